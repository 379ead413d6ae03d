package dossier

import (
	"os"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

// FuzzParse: decoding a dossier never panics; it either yields a dossier
// or an invalid-input error whose every problem has a JSON path.
func FuzzParse(f *testing.F) {
	demo, err := os.ReadFile("../../examples/han-dong-bbc.dossier.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(demo)
	for _, s := range []string{`{}`, `{"article": {"key": "a"}}`, `{"article": {"key": "a", "title": "T", "url": "https://x.example/"}, "entities": [{"key": "x", "kind": "PERSON", "name": "X\u0000"}]}`,
		`{"article": 1}`, `[`, `{"relationships": [{"type": "MEMBER_OF", "from": "a", "to": "b", "since": "+019", "confidence": null}]}`, "\xef\xbb\xbf{}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			if kg.KindOf(err) != kg.KindInvalid {
				t.Fatalf("Parse: %v is not invalid input", err)
			}
			for _, p := range kg.ProblemsOf(err) {
				if p.Path == "" || p.Reason == "" {
					t.Fatalf("a problem without a path or reason: %+v", p)
				}
			}
			return
		}
		if d == nil {
			t.Fatal("Parse returned neither a dossier nor an error")
		}
	})
}
