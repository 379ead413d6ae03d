package relate

import (
	"regexp"
	"strconv"
	"time"

	"github.com/polgraph/polgraph/internal/extract/lexicon"
	"github.com/polgraph/polgraph/internal/kg"
)

var (
	monthRe  = `(january|february|march|april|may|june|july|august|september|october|november|december)`
	dmyRe    = regexp.MustCompile(`\b(\d{1,2}) ` + monthRe + ` ?,? (\d{4})\b`)
	mdyRe    = regexp.MustCompile(`\b` + monthRe + ` (\d{1,2}) ?,? (\d{4})\b`)
	myRe     = regexp.MustCompile(`\b` + monthRe + ` ?,? (\d{4})\b`)
	yearRe   = regexp.MustCompile(`\b(?:in|since|the|of|until) ((?:19|20)\d{2})\b`)
	monthIn  = regexp.MustCompile(`\b(?:in|since|last|this|early|late) ` + monthRe + `\b`)
	weekdayR = regexp.MustCompile(`\b(?:on|last|this) (monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b`)
)

// DateIn finds the first date a (lower-case) sentence gives: a full date,
// a month and year, a year, or, relative to the article's publication, a
// weekday or a month. Zero when there is none.
func DateIn(s string, published kg.Date) kg.Date {
	if m := dmyRe.FindStringSubmatch(s); m != nil {
		return date(m[3], lexicon.Months[m[2]], m[1])
	}
	if m := mdyRe.FindStringSubmatch(s); m != nil {
		return date(m[3], lexicon.Months[m[1]], m[2])
	}
	if m := myRe.FindStringSubmatch(s); m != nil {
		return date(m[2], lexicon.Months[m[1]], "")
	}
	if m := yearRe.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		return kg.Date{Year: y}
	}
	if published.Day == 0 {
		if m := monthIn.FindStringSubmatch(s); m != nil && published.Year > 0 {
			mo := lexicon.Months[m[1]]
			y := published.Year
			if published.Month > 0 && mo > published.Month {
				y--
			}
			return kg.Date{Year: y, Month: mo}
		}
		return kg.Date{}
	}
	pub := time.Date(published.Year, time.Month(published.Month), published.Day, 0, 0, 0, 0, time.UTC)
	if m := weekdayR.FindStringSubmatch(s); m != nil {
		want := time.Weekday(lexicon.Weekdays[m[1]])
		d := pub
		for i := 0; i < 7 && d.Weekday() != want; i++ {
			d = d.AddDate(0, 0, -1)
		}
		return kg.Date{Year: d.Year(), Month: int(d.Month()), Day: d.Day()}
	}
	if m := monthIn.FindStringSubmatch(s); m != nil {
		mo := lexicon.Months[m[1]]
		y := published.Year
		if mo > published.Month {
			y--
		}
		return kg.Date{Year: y, Month: mo}
	}
	return kg.Date{}
}

func date(y string, mo int, d string) kg.Date {
	yy, _ := strconv.Atoi(y)
	dd, _ := strconv.Atoi(d)
	out := kg.Date{Year: yy, Month: mo, Day: dd}
	if !out.Valid() {
		return kg.Date{Year: yy}
	}
	return out
}
