package model

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/polgraph/polgraph/internal/kg"
)

// JSON is a value the API returns as it is (the JSON scalar): an entity or a
// relationship as stored, in an audit record.
type JSON struct{ Raw json.RawMessage }

// NewJSON encodes v.
func NewJSON(v any) (*JSON, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &JSON{Raw: raw}, nil
}

// MarshalGQL writes the value.
func (j JSON) MarshalGQL(w io.Writer) {
	if len(j.Raw) == 0 {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = w.Write(j.Raw)
}

// UnmarshalGQL refuses input: JSON is an output type.
func (j *JSON) UnmarshalGQL(any) error {
	return fmt.Errorf("JSON values are output only")
}

// MarshalTime and UnmarshalTime are the Time scalar: RFC 3339, and a bad
// value is a BAD_USER_INPUT error naming the argument.
func MarshalTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339Nano)))
	})
}

// UnmarshalTime reads an RFC 3339 time.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, kg.Invalid("", kg.Problem{Reason: fmt.Sprintf("%v is not a time: want RFC 3339, e.g. \"2024-05-01T12:00:00Z\"", v)})
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, kg.Invalid("", kg.Problem{Reason: fmt.Sprintf("%q is not a time: want RFC 3339, e.g. \"2024-05-01T12:00:00Z\"", s)})
	}
	return t, nil
}
