package model

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

// FuzzDateScalar: the GraphQL Date scalar accepts exactly what
// kg.ParseDate does (the empty string aside), rejects it as invalid input,
// and writes back what it read.
func FuzzDateScalar(f *testing.F) {
	for _, s := range []string{"2019", "2019-10", "2019-10-21", "", "+019", "2019-+1", "2019-02-30", "yesterday", "2019-13"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := UnmarshalDate(s)
		want, werr := kg.ParseDate(s)
		if s == "" {
			werr = errEmpty
		}
		if (err == nil) != (werr == nil) {
			t.Fatalf("UnmarshalDate(%q) err %v, kg.ParseDate err %v", s, err, werr)
		}
		if err != nil {
			if kg.KindOf(err) != kg.KindInvalid {
				t.Fatalf("UnmarshalDate(%q): %v is not invalid input", s, err)
			}
			return
		}
		if d != want {
			t.Fatalf("UnmarshalDate(%q) = %+v, want %+v", s, d, want)
		}
		var b bytes.Buffer
		MarshalDate(d).MarshalGQL(&b)
		if b.String() != strconv.Quote(s) {
			t.Fatalf("MarshalDate(UnmarshalDate(%q)) = %s", s, b.String())
		}
	})
}

var errEmpty = kg.Invalidf("", "", "empty")

func TestDateScalarTypes(t *testing.T) {
	for _, v := range []any{19, 2019.0, nil, true, []any{"2019"}} {
		if _, err := UnmarshalDate(v); err == nil || kg.KindOf(err) != kg.KindInvalid {
			t.Errorf("UnmarshalDate(%#v) = %v, want invalid input", v, err)
		}
	}
}
