package export

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
)

// TestDumpRoundTrip: the polgraph format of the whole graph reads back as
// exactly what the store holds, entities and relationships with their
// evidence, in the store's order.
func TestDumpRoundTrip(t *testing.T) {
	svc, _ := openDemo(t)
	ctx := context.Background()
	fx := fixture()
	for i := range fx.Entities {
		// Valid text only (what the Service stores): see TestDumpRefusesInvalidUTF8.
		fx.Entities[i].Description = strings.ToValidUTF8(fx.Entities[i].Description, "?")
	}
	fx.Entities = append(fx.Entities, kg.Entity{ID: "texted", Kind: kg.Article, Name: "An article kept with its text",
		Title: "Texted", URL: "https://example.org/t", Text: "line one\nline two \u00e9\u2028 \"quoted\" <b>&amp;</b>"})
	if err := svc.Store().Apply(ctx, fx); err != nil {
		t.Fatal(err)
	}
	var wantE []kg.Entity
	var wantR []kg.Relationship
	if err := svc.Store().ScanEntities(ctx, func(e kg.Entity) error { wantE = append(wantE, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := svc.Store().ScanRelationships(ctx, func(r kg.Relationship) error { wantR = append(wantR, r); return nil }); err != nil {
		t.Fatal(err)
	}
	data := export(t, svc, Selection{}, mustFormat(t, "polgraph"))
	var gotE []kg.Entity
	var gotR []kg.Relationship
	end, err := ReadDump(bytes.NewReader(data),
		func(e kg.Entity) error { gotE = append(gotE, e); return nil },
		func(r kg.Relationship) error { gotR = append(gotR, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantE, gotE); diff != "" {
		t.Errorf("entities (-store +read back):\n%s", diff)
	}
	if diff := cmp.Diff(wantR, gotR); diff != "" {
		t.Errorf("relationships (-store +read back):\n%s", diff)
	}
	if end.Entities != len(wantE) || end.Relationships != len(wantR) || len(wantR) == 0 {
		t.Errorf("end = %+v, the store holds %d and %d", end, len(wantE), len(wantR))
	}
}

// TestDumpRefusesInvalidUTF8: text JSON would change (invalid UTF-8, which
// only a write around the Service can store) fails the export instead.
func TestDumpRefusesInvalidUTF8(t *testing.T) {
	svc := openService(t, fixture()) // han-tao's description holds \xff
	x, err := Prepare(context.Background(), svc, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = x.WriteTo(context.Background(), mustFormat(t, "polgraph").New(&buf), nil)
	if err == nil || !strings.Contains(err.Error(), "han-tao") || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("export of invalid UTF-8: %v", err)
	}
}

// TestReadDumpRefuses: a stream that broke off, or is not the format, is
// an error naming the line, not a short graph.
func TestReadDumpRefuses(t *testing.T) {
	svc, _ := openDemo(t)
	data := string(export(t, svc, Selection{}, mustFormat(t, "polgraph")))
	lines := strings.SplitAfter(strings.TrimSuffix(data, "\n"), "\n")
	noop := func(kg.Entity) error { return nil }
	noopR := func(kg.Relationship) error { return nil }
	tests := []struct{ name, in, want string }{
		{"empty", "", "ended before its end line"},
		{"broke off", strings.Join(lines[:len(lines)-1], ""), "ended before its end line"},
		{"cut mid-line", data[:len(data)/2], "line"},
		{"wrong end", strings.Join(lines[:len(lines)-1], "") + `{"end":{"entities":1,"relationships":0}}` + "\n", "end line counts"},
		{"after the end", data + `{"end":{"entities":0,"relationships":0}}` + "\n", "after the end line"},
		{"two fields", `{"entity":{"id":"a"},"end":{"entities":0,"relationships":0}}` + "\n", "exactly one"},
		{"entity after relationship", `{"relationship":{"id":"r"}}` + "\n" + `{"entity":{"id":"a"}}` + "\n", "after the relationships"},
		{"not json", "<graphml>\n", "not a line of the polgraph format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadDump(strings.NewReader(tt.in), noop, noopR)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadDump: %v, want an error saying %q", err, tt.want)
			}
		})
	}
}
