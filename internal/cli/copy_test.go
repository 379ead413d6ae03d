package cli

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/config"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/embedded"
	"github.com/polgraph/polgraph/internal/store/storetest"
	"github.com/polgraph/polgraph/internal/transfer"
)

// runCommand parses args with the command's own flags and runs it.
func runCommand(t *testing.T, c Command, args ...string) (string, error) {
	t.Helper()
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if c.Flags != nil {
		c.Flags(fs)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	env := &Env{Config: config.Defaults(), Logger: slog.New(slog.DiscardHandler), Stdout: &out, Stderr: io.Discard}
	err := c.Run(context.Background(), env, fs.Args())
	return out.String(), err
}

func scanAll(t *testing.T, dir string) ([]kg.Entity, []kg.Relationship) {
	t.Helper()
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var es []kg.Entity
	var rs []kg.Relationship
	ctx := context.Background()
	if err := s.ScanEntities(ctx, func(e kg.Entity) error { es = append(es, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.ScanRelationships(ctx, func(r kg.Relationship) error { rs = append(rs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return es, rs
}

func TestCopyCommand(t *testing.T) {
	src, dst := filepath.Join(t.TempDir(), "src"), filepath.Join(t.TempDir(), "dst")
	s, err := embedded.Open(src, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(context.Background(), storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	s.Close()

	for i := 0; i < 2; i++ {
		out, err := runCommand(t, copyCommand(), "--from", src, "--to", dst, "--batch", "3")
		if err != nil {
			t.Fatalf("copy #%d: %v", i+1, err)
		}
		if !strings.Contains(out, "count check passed") {
			t.Errorf("copy #%d said %q", i+1, out)
		}
	}
	wantE, wantR := scanAll(t, src)
	gotE, gotR := scanAll(t, dst)
	if diff := cmp.Diff(wantE, gotE); diff != "" {
		t.Errorf("entities (-source +copy):\n%s", diff)
	}
	if diff := cmp.Diff(wantR, gotR); diff != "" {
		t.Errorf("relationships (-source +copy):\n%s", diff)
	}

	for _, args := range [][]string{{"--from", src}, {"--to", dst}, {"--from", src, "--to", src}, {"--from", src, "--to", dst, "extra"}} {
		if _, err := runCommand(t, copyCommand(), args...); err == nil {
			t.Errorf("copy %v: no usage error", args)
		}
	}
}

func TestMigrateCommandOnEmbedded(t *testing.T) {
	c := migrateCommand()
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	var out bytes.Buffer
	cfg := config.Defaults()
	if err := cfg.Set("data", t.TempDir()); err != nil {
		t.Fatal(err)
	}
	env := &Env{Config: cfg, Logger: slog.New(slog.DiscardHandler), Stdout: &out, Stderr: io.Discard}
	if err := c.Run(context.Background(), env, fs.Args()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "no schema") {
		t.Errorf("migrate on the embedded store said %q", out.String())
	}
}

func TestRenderProgress(t *testing.T) {
	cases := map[string]transfer.Progress{
		"[..........]   0% entities      0/10":  {Phase: "entities", Done: 0, Total: 10},
		"[#####.....]  50% relationships 5/10":  {Phase: "relationships", Done: 5, Total: 10},
		"[##########] 100% entities      0/0":   {Phase: "entities", Done: 0, Total: 0},
		"[##########] 100% entities      12/10": {Phase: "entities", Done: 12, Total: 10},
	}
	for want, p := range cases {
		if got := renderProgress(p, 10); got != want {
			t.Errorf("renderProgress(%+v) = %q, want %q", p, got, want)
		}
	}
	if got := redactURI("neo4j://neo4j:secret@db:7687"); strings.Contains(got, "secret") {
		t.Errorf("redactURI = %s", got)
	}
}
