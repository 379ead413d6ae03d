package extract

import (
	"context"
	"os"
	"strings"
	"testing"
	"unicode"
)

// BenchmarkExtract reads a ~1,000-word article (the three test articles
// and the seed when present, concatenated) per iteration; articles/s is
// 1/(s/op).
func BenchmarkExtract(b *testing.B) {
	var parts []string
	for _, f := range []string{seedPath, "testdata/minister-resigns.txt", "testdata/ambassador-expelled.txt", "testdata/mp-changes-party.txt"} {
		if t, err := os.ReadFile(f); err == nil {
			parts = append(parts, string(t))
		}
	}
	text := strings.Join(parts, "\n\n")
	words := strings.FieldsFunc(text, unicode.IsSpace)
	for len(words) < 1000 {
		text += "\n\n" + text
		words = strings.FieldsFunc(text, unicode.IsSpace)
	}
	text = strings.Join(words[:1000], " ")
	a := Article{ID: "bench", Text: text}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Rules{}).Extract(context.Background(), a, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}
