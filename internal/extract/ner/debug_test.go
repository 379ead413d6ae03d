package ner

import (
	"context"
	"os"
	"testing"

	"github.com/polgraph/polgraph/internal/extract/segment"
)

func TestDebugSeed(t *testing.T) {
	b, err := os.ReadFile("../../../../shared/seed/han-dong-bbc.txt")
	if err != nil {
		t.Skip(err)
	}
	ss := segment.Split(string(b))
	ms, _ := Recognize(context.Background(), ss, Options{Model: DefaultModel()})
	for _, m := range ms {
		t.Logf("%d %-25q kind=%s class=%s title=%q src=%s name=%q unk=%v desc=%v", m.Sentence, m.Text, m.Kind, m.Class, m.Title, m.Source, m.Name, m.Unknown, m.Description)
	}
}
