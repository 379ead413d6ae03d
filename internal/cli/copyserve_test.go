package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/examples"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/local"
	"github.com/polgraph/polgraph/internal/store/embedded"
	"github.com/polgraph/polgraph/internal/store/storetest"
)

// readGraph returns every entity and relationship of the embedded store in
// dir, in id order.
func readGraph(t *testing.T, dir string) ([]kg.Entity, []kg.Relationship) {
	t.Helper()
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var es []kg.Entity
	var rs []kg.Relationship
	if err := s.ScanEntities(ctx, func(e kg.Entity) error { es = append(es, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.ScanRelationships(ctx, func(r kg.Relationship) error { rs = append(rs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return es, rs
}

// TestCopyNextToServe: polgraph copy --from a directory a running server
// holds reads the graph through the server and gives exactly what a direct
// copy gives; --to such a directory is refused, naming the server, and
// writes nothing.
func TestCopyNextToServe(t *testing.T) {
	dir := t.TempDir()
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(context.Background(), storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	work := t.TempDir()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where copy keeps the graph it reads through the server
	direct := filepath.Join(work, "direct")
	mustPolgraph(t, "copy", "--from", dir, "--to", direct)

	addr := startServe(t, dir)
	// A write through the server after the direct copy: the copy through
	// the server must see it (it reads the server's store, not the files).
	demo := filepath.Join(work, "demo.json")
	if err := os.WriteFile(demo, examples.Demo(), 0o644); err != nil {
		t.Fatal(err)
	}
	mustPolgraph(t, "ingest", "--data", dir, demo)
	mustPolgraph(t, "ingest", "--data", direct, demo)

	served := filepath.Join(work, "served")
	out := mustPolgraph(t, "copy", "--from", dir, "--to", served, "--batch", "7")
	if !strings.Contains(out, "count check passed") {
		t.Errorf("copy through the server said %q", out)
	}
	wantE, wantR := readGraph(t, direct)
	gotE, gotR := readGraph(t, served)
	if len(wantE) == 0 || len(wantR) == 0 {
		t.Fatalf("the direct copy holds %d entities and %d relationships", len(wantE), len(wantR))
	}
	if diff := cmp.Diff(wantE, gotE); diff != "" {
		t.Errorf("entities (-direct +through the server):\n%s", diff)
	}
	if diff := cmp.Diff(wantR, gotR); diff != "" {
		t.Errorf("relationships (-direct +through the server):\n%s", diff)
	}
	// Again into the same target: nothing changes.
	mustPolgraph(t, "copy", "--from", dir, "--to", served)
	againE, againR := readGraph(t, served)
	if !cmp.Equal(gotE, againE) || !cmp.Equal(gotR, againR) {
		t.Error("a second copy through the server changed the target")
	}
	// No temporary file of the graph is left behind.
	if left, _ := filepath.Glob(filepath.Join(tmp, "polgraph-copy-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// Into the served directory: refused, naming the server, nothing written.
	other := filepath.Join(work, "other")
	mustPolgraph(t, "ingest", "--data", other, demo)
	before := post(t, addr, "", `{ stats { entities relationships } }`)
	if before["data"] == nil {
		t.Fatalf("stats: %v", before)
	}
	_, err = polgraph(t, "copy", "--from", other, "--to", dir)
	if err == nil || !strings.Contains(err.Error(), "http://"+addr) || !strings.Contains(err.Error(), "stop that server") || kg.KindOf(err) != kg.KindConflict {
		t.Errorf("copy into a served directory: %v", err)
	}
	if after := post(t, addr, "", `{ stats { entities relationships } }`); !cmp.Equal(before, after) {
		t.Errorf("the refused copy changed the served store: %v, then %v", before, after)
	}
	if _, err := local.Read(dir); err != nil {
		t.Errorf("the server file after the refused copy: %v", err)
	}
}
