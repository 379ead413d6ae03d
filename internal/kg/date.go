package kg

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a partial calendar date as political data really comes: a year
// ("2019"), a year and month ("2019-10") or a full date ("2019-10-21"). The
// zero Date is "unknown".
type Date struct {
	Year  int // 1..9999; 0 means the date is unknown
	Month int // 1..12, or 0 when only the year is known
	Day   int // 1..31, or 0 when only the year (and month) is known
}

// ParseDate parses "YYYY", "YYYY-MM" or "YYYY-MM-DD": ASCII digits only,
// a year from 0001, a real month and a day that the month has (no
// 2019-02-30). The empty string is the zero (unknown) Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	bad := func() (Date, error) {
		return Date{}, fmt.Errorf("%q is not a date: want YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	// ASCII digits only: strconv would also take "+019" and "-1".
	num := func(part string, n int) (int, bool) {
		if len(part) != n {
			return 0, false
		}
		v := 0
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	var d Date
	var ok bool
	switch len(s) {
	case 4, 7, 10:
	default:
		return bad()
	}
	if d.Year, ok = num(s[:4], 4); !ok || d.Year == 0 {
		return bad()
	}
	if len(s) >= 7 {
		if s[4] != '-' {
			return bad()
		}
		if d.Month, ok = num(s[5:7], 2); !ok || d.Month < 1 || d.Month > 12 {
			return bad()
		}
	}
	if len(s) == 10 {
		if s[7] != '-' {
			return bad()
		}
		if d.Day, ok = num(s[8:10], 2); !ok || d.Day < 1 || d.Day > daysIn(d.Year, d.Month) {
			return bad()
		}
	}
	return d, nil
}

// MustDate parses s and panics on error; for fixtures and tests.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.Year == 0 }

// String formats the date at its own precision; "" for the zero Date.
func (d Date) String() string {
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Lo is the first day the date may denote, as an ordinal YYYYMMDD integer.
// Ordinals compare like the days they stand for. Lo of the zero Date is 0.
func (d Date) Lo() int {
	if d.Year == 0 {
		return 0
	}
	m, day := d.Month, d.Day
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	return d.Year*10000 + m*100 + day
}

// Hi is the last day the date may denote, as an ordinal YYYYMMDD integer.
// Hi of the zero Date is 99991231 (unbounded).
func (d Date) Hi() int {
	if d.Year == 0 {
		return 99991231
	}
	m, day := d.Month, d.Day
	if m == 0 {
		m = 12
	}
	if day == 0 {
		day = daysIn(d.Year, m)
	}
	return d.Year*10000 + m*100 + day
}

// Valid reports whether the date's fields are in range (the zero Date is valid).
func (d Date) Valid() bool {
	if d.Year == 0 {
		return d.Month == 0 && d.Day == 0
	}
	if d.Year < 1 || d.Year > 9999 || d.Month < 0 || d.Month > 12 {
		return false
	}
	if d.Month == 0 {
		return d.Day == 0
	}
	return d.Day >= 0 && d.Day <= daysIn(d.Year, d.Month)
}

// MarshalJSON writes the date as its string form, or null when unknown.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads a date string (or null).
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date must be a string: %w", err)
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ValidDuring reports whether an interval [since, until] (either end may be
// unknown, meaning unbounded) overlaps the period the date at denotes. With a
// zero at, everything is valid. "Valid as of 2019" therefore keeps a
// membership that began at any time in 2019.
func ValidDuring(since, until, at Date) bool {
	if at.IsZero() {
		return true
	}
	return since.Lo() <= at.Hi() && until.Hi() >= at.Lo()
}
