package open

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

func TestOpenEmbedded(t *testing.T) {
	dir := t.TempDir()
	for _, uri := range []string{
		filepath.Join(dir, "plain"),
		"file://" + filepath.Join(dir, "file"),
		"embedded://" + filepath.Join(dir, "embedded"),
	} {
		t.Run(uri, func(t *testing.T) {
			s, err := Open(context.Background(), uri, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Counts(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestOpenRejects(t *testing.T) {
	for _, tc := range []struct{ uri, want string }{
		{"", "no store given"},
		{"file://", "names no directory"},
		{"gopher://me:hunter2@host/x", `unknown store scheme "gopher"`},
	} {
		_, err := Open(context.Background(), tc.uri, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "hunter2") || kg.KindOf(err) != kg.KindInvalid {
			t.Errorf("Open(%q) = %v, want an invalid error containing %q", tc.uri, err, tc.want)
		}
	}
}
