package importer_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/importer"
	icsv "github.com/polgraph/polgraph/internal/importer/csv"
	"github.com/polgraph/polgraph/internal/importer/popolo"
	"github.com/polgraph/polgraph/internal/kg"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     kg.Date
		err      string
	}{
		{name: "blank", in: "  "},
		{name: "year", in: "2001", want: kg.Date{Year: 2001}},
		{name: "padded", in: " 2001-02 ", want: kg.Date{Year: 2001, Month: 2}},
		{name: "day", in: "2001-02-28", want: kg.Date{Year: 2001, Month: 2, Day: 28}},
		{name: "month 13", in: "1970-13-01", err: `record p2: persons[1].birth_date: "1970-13-01" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)`},
		{name: "words", in: "not a date", err: `record p2: persons[1].birth_date: "not a date" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := importer.ParseDate("p2", "persons[1].birth_date", tc.in)
			if tc.err == "" {
				if err != nil || got != tc.want {
					t.Fatalf("ParseDate(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
				}
				return
			}
			var re *importer.RecordError
			if !errors.As(err, &re) || re.Record != "p2" || re.Field != "persons[1].birth_date" {
				t.Fatalf("ParseDate(%q) error %v: want a RecordError naming p2 and the field", tc.in, err)
			}
			if err.Error() != tc.err {
				t.Errorf("ParseDate(%q) error\n %s\nwant\n %s", tc.in, err, tc.err)
			}
		})
	}
}

// Popolo and CSV word a bad date alike: both read it with ParseDate.
func TestReadersShareDateMessage(t *testing.T) {
	const want = `"1970-13-01" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)`
	doc := `{"persons": [{"id": "p1", "name": "Ann", "birth_date": "1970-13-01"}]}`
	p, err := popolo.New(func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(doc)), nil }, int64(len(doc)), "house.json")
	if err != nil {
		t.Fatal(err)
	}
	sheet := "id,kind,name,birth_date\nann,person,Ann,1970-13-01\n"
	c, err := icsv.New([]icsv.Input{icsv.TextInput("actors.csv", sheet)})
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]importer.Reader{"popolo": p, "csv": c} {
		reasons := readerErrors(t, r)
		if len(reasons) != 1 || !strings.HasSuffix(reasons[0], want) {
			t.Errorf("%s: errors %q, want one ending %q", name, reasons, want)
		}
	}
}

// readerErrors reads r to the end and returns its records' errors.
func readerErrors(t *testing.T, r importer.Reader) []string {
	t.Helper()
	var out []string
	for {
		_, err := r.Next()
		if err == io.EOF {
			return out
		}
		var re *importer.RecordError
		if !errors.As(err, &re) {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, re.Error())
	}
}
