package importer

import (
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// DateFormats says which dates a reader takes, as its errors name them.
const DateFormats = "YYYY, YYYY-MM or YYYY-MM-DD"

// ParseDate reads the date s of field in record rec, for a reader: blank
// is the zero (unknown) date; anything kg.ParseDate refuses is a
// RecordError naming rec and field, in one wording for every format
// (`"1970-13-01" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)`).
func ParseDate(rec, field, s string) (kg.Date, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return kg.Date{}, nil
	}
	d, err := kg.ParseDate(t)
	if err != nil {
		return kg.Date{}, Recordf(rec, field, "%q is not a date (%s)", s, DateFormats)
	}
	return d, nil
}
