package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunHTTP runs the whole benchmark on a tiny graph: every query must
// answer without errors (RunHTTP fails otherwise) and be reported. It
// measures nothing.
func TestRunHTTP(t *testing.T) {
	var out bytes.Buffer
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	err := RunHTTP(context.Background(), HTTPOptions{
		Entities: 200, Relationships: 2000, Rounds: 1, CPUProfile: prof,
		Load: Load{Concurrency: 2, Duration: 200 * time.Millisecond, Seed: 1},
		Out:  &out,
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, s := range Shapes {
		if !strings.Contains(out.String(), "| "+s.Name+": "+s.About+" |") {
			t.Errorf("report lacks %s:\n%s", s.Name, out.String())
		}
	}
	if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
		t.Errorf("no CPU profile written: %v", err)
	}
}

// TestBrokenQueryFails: a query the server rejects makes the benchmark
// fail with the server's message, never report a fast error page.
func TestBrokenQueryFails(t *testing.T) {
	bad := []Shape{{Name: "bad", Query: "query B($id: ID!) { entity(id: $id) { nosuchfield } }", Vars: pgID}}
	var out bytes.Buffer
	err := RunHTTP(context.Background(), HTTPOptions{
		Entities: 20, Relationships: 50, Queries: bad,
		Load: Load{Concurrency: 1, Duration: 50 * time.Millisecond, Seed: 1}, Out: &out,
	})
	if err == nil || !strings.Contains(err.Error(), "nosuchfield") {
		t.Fatalf("err = %v, want the GraphQL error about nosuchfield", err)
	}
}

// TestUnknownQuery names the queries there are.
func TestUnknownQuery(t *testing.T) {
	err := RunHTTP(context.Background(), HTTPOptions{Entities: 20, Shapes: []string{"q9"}, Out: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), `unknown query "q9"`) || !strings.Contains(err.Error(), "q3net") {
		t.Fatalf("err = %v", err)
	}
}

// TestNonEmptyStoreRefused: the benchmark never loads into a store that
// holds something else.
func TestNonEmptyStoreRefused(t *testing.T) {
	dir := t.TempDir()
	small := HTTPOptions{Store: dir, Entities: 20, Relationships: 50, Shapes: []string{"q1"},
		Load: Load{Concurrency: 1, Duration: 20 * time.Millisecond, Seed: 1}, Out: &bytes.Buffer{}}
	if err := RunHTTP(context.Background(), small); err != nil {
		t.Fatal(err)
	}
	// The same graph again is reused, not loaded twice.
	if err := RunHTTP(context.Background(), small); err != nil {
		t.Fatalf("second run on the same graph: %v", err)
	}
	other := small
	other.Entities = 30
	if err := RunHTTP(context.Background(), other); err == nil || !strings.Contains(err.Error(), "not the benchmark graph") {
		t.Fatalf("err = %v, want a refusal", err)
	}
}

// TestQueriesMatchPeer: the query texts are those of ../shared/perf-peer,
// so figures measured here and with its wrk script are of the same queries.
func TestQueriesMatchPeer(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "perf-peer")
	if _, err := os.Stat(root); err != nil {
		t.Skip("../shared/perf-peer is absent")
	}
	check := func(dir string, list []Shape, name string) {
		t.Helper()
		s, ok := shape(list, name)
		if !ok {
			t.Fatalf("no shape %s", name)
		}
		b, err := os.ReadFile(filepath.Join(root, dir, name+".graphql"))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s.Query, strings.TrimSpace(string(b)); got != want {
			t.Errorf("%s/%s:\n got %s\nwant %s", dir, name, got, want)
		}
	}
	for _, s := range Shapes {
		check("polgraph-queries", Shapes, s.Name)
	}
	for _, s := range PeerShapes {
		check("peer-queries", PeerShapes, s.Name)
	}
}
