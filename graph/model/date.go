package model

import (
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/polgraph/polgraph/internal/kg"
)

// Date is the GraphQL Date scalar's Go type: kg.Date, a partial date.
type Date = kg.Date

// MarshalDate writes a date at its own precision, or null when unknown.
func MarshalDate(d kg.Date) graphql.Marshaler {
	if d.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalDate reads "YYYY", "YYYY-MM" or "YYYY-MM-DD". gqlgen reports the
// error at the argument or input field being read, which the error
// presenter names in the message.
func UnmarshalDate(v any) (kg.Date, error) {
	s, ok := v.(string)
	if !ok {
		return kg.Date{}, kg.Invalidf("", "", "a Date must be a string like \"2019\", \"2019-10\" or \"2019-10-21\", not %T", v)
	}
	if s == "" {
		return kg.Date{}, kg.Invalidf("", "", "a Date must not be empty; omit it or pass null instead")
	}
	d, err := kg.ParseDate(s)
	if err != nil {
		return kg.Date{}, kg.Invalidf("", "", "%v", err)
	}
	return d, nil
}
