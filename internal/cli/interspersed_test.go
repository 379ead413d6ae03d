package cli

import (
	"flag"
	"io"
	"slices"
	"testing"
)

// Flags may follow the arguments; after "--" everything is an argument.
func TestParseInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	url := fs.String("url", "", "")
	format := fs.String("format", "", "")
	got, err := parseInterspersed(fs, []string{"--format", "article", "a.txt", "--url", "https://x.example/1", "b.txt", "--", "--not-a-flag"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.txt", "b.txt", "--not-a-flag"}; !slices.Equal(got, want) || *url != "https://x.example/1" || *format != "article" {
		t.Errorf("args %q url %q format %q, want %q, the URL and article", got, *url, *format, want)
	}
	if _, err := parseInterspersed(fs, []string{"a.txt", "--nope"}); err == nil {
		t.Error("an unknown flag after an argument was accepted")
	}
}
