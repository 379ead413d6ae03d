package cli_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/examples"
	"github.com/polgraph/polgraph/internal/cli"
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
// copy gives; --to such a directory writes through the server's
// importGraph, audited, and a batch it refuses writes nothing.
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

	// Into the served directory: written through the server's importGraph
	// (as the command line, admin), recorded in its audit log, and the
	// same as a direct copy into a directory that held the same.
	other := filepath.Join(work, "other")
	mustPolgraph(t, "ingest", "--data", other, demo)
	ostore, err := embedded.Open(other, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = ostore.Apply(context.Background(), kg.Batch{
		Entities:      []kg.Entity{{ID: "p-only-other", Kind: kg.Person, Name: "Only In Other"}, {ID: "o-only-other", Kind: kg.Organization, Name: "Other Party", Classification: kg.Party}},
		Relationships: []kg.Relationship{{ID: "r-only-other", Type: kg.MemberOf, From: "p-only-other", To: "o-only-other"}},
	})
	ostore.Close()
	if err != nil {
		t.Fatal(err)
	}
	out = mustPolgraph(t, "copy", "--from", other, "--to", dir, "--batch", "5")
	if !strings.Contains(out, "count check passed") {
		t.Errorf("copy into the served directory said %q", out)
	}
	mustPolgraph(t, "copy", "--from", other, "--to", direct)
	back := filepath.Join(work, "back")
	mustPolgraph(t, "copy", "--from", dir, "--to", back)
	wantE, wantR = readGraph(t, direct)
	gotE, gotR = readGraph(t, back)
	if diff := cmp.Diff(wantE, gotE); diff != "" {
		t.Errorf("entities (-direct +through the server):\n%s", diff)
	}
	if diff := cmp.Diff(wantR, gotR); diff != "" {
		t.Errorf("relationships (-direct +through the server):\n%s", diff)
	}
	audit := mustPolgraph(t, "audit", "export", "--data", dir, "--actor", "cli")
	if !strings.Contains(audit, "importGraph") {
		t.Errorf("the audit log of the served store has no importGraph write:\n%s", audit)
	}
	if _, err := local.Read(dir); err != nil {
		t.Errorf("the server file after the copy: %v", err)
	}

	// A batch the server refuses (an id stored with another kind) fails
	// the copy with CONFLICT and writes nothing of that batch.
	clash := filepath.Join(work, "clash")
	cs, err := embedded.Open(clash, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	first := storetest.Fixture().Entities[0]
	err = cs.Apply(context.Background(), kg.Batch{Entities: []kg.Entity{
		{ID: "a-new-one", Kind: kg.Person, Name: "New One"},
		{ID: first.ID, Kind: otherKind(first.Kind), Name: "Clash"},
	}})
	cs.Close()
	if err != nil {
		t.Fatal(err)
	}
	before := post(t, addr, "", `{ stats { entities relationships } }`)
	_, err = polgraph(t, "copy", "--from", clash, "--to", dir)
	if kg.KindOf(err) != kg.KindConflict || !strings.Contains(err.Error(), first.ID) {
		t.Errorf("copy of a clashing entity into the served directory: %v", err)
	}
	if after := post(t, addr, "", `{ stats { entities relationships } }`); !cmp.Equal(before, after) {
		t.Errorf("the refused batch changed the served store: %v, then %v", before, after)
	}

	// To the server by its URL, with a key: an admin's works, an editor's
	// is FORBIDDEN with nothing written, none is a usage error.
	admin := strings.TrimSpace(mustPolgraph(t, "keys", "create", "--data", dir, "--role", "admin", "--name", "root"))
	editor := strings.TrimSpace(mustPolgraph(t, "keys", "create", "--data", dir, "--role", "editor", "--name", "alice"))
	byURL := filepath.Join(work, "by-url")
	bs, err := embedded.Open(byURL, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = bs.Apply(context.Background(), kg.Batch{Entities: []kg.Entity{{ID: "p-by-url", Kind: kg.Person, Name: "Sent By URL"}}})
	bs.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = polgraph(t, "copy", "--from", byURL, "--to", "http://"+addr)
	if !errors.Is(err, cli.ErrUsage) || !strings.Contains(err.Error(), "POLGRAPH_API_KEY") {
		t.Errorf("copy to a URL without a key: %v", err)
	}
	t.Setenv("POLGRAPH_API_KEY", editor)
	_, err = polgraph(t, "copy", "--from", byURL, "--to", "http://"+addr)
	if kg.KindOf(err) != kg.KindForbidden {
		t.Errorf("copy to a URL with an editor key: %v, want FORBIDDEN", err)
	}
	if got := post(t, addr, admin, `{ entity(id: "p-by-url") { id } }`); got["data"].(map[string]any)["entity"] != nil {
		t.Errorf("the forbidden copy wrote: %v", got)
	}
	t.Setenv("POLGRAPH_API_KEY", admin)
	mustPolgraph(t, "copy", "--from", byURL, "--to", "http://"+addr+"/")
	if got := post(t, addr, admin, `{ entity(id: "p-by-url") { id } }`); got["data"].(map[string]any)["entity"] == nil {
		t.Errorf("the admin's copy did not write: %v", got)
	}
	// From the server by its URL, with a reader key.
	reader := strings.TrimSpace(mustPolgraph(t, "keys", "create", "--data", dir, "--role", "reader", "--name", "bob"))
	t.Setenv("POLGRAPH_API_KEY", reader)
	fromURL := filepath.Join(work, "from-url")
	mustPolgraph(t, "copy", "--from", "http://"+addr, "--to", fromURL)
	if e, _ := readGraph(t, fromURL); !slices.ContainsFunc(e, func(e kg.Entity) bool { return e.ID == "p-by-url" }) {
		t.Errorf("the copy from the server's URL lacks p-by-url (%d entities)", len(e))
	}
	if _, err := polgraph(t, "copy", "--from", byURL, "--to", "http://"+addr); kg.KindOf(err) != kg.KindForbidden {
		t.Errorf("copy to a URL with a reader key: %v, want FORBIDDEN", err)
	}
	t.Setenv("POLGRAPH_API_KEY", admin)
	if audit := mustPolgraph(t, "audit", "export", "--data", dir, "--actor", "root"); !strings.Contains(audit, "importGraph") {
		t.Errorf("the admin's copy is not in the audit log as root's importGraph:\n%s", audit)
	}
}

func otherKind(k kg.Kind) kg.Kind {
	if k == kg.Person {
		return kg.Organization
	}
	return kg.Person
}
