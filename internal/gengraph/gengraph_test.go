package gengraph

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

func generate(t *testing.T, o Options) ([]kg.Entity, []kg.Relationship) {
	t.Helper()
	g := New(o)
	var ents []kg.Entity
	for b := g.Entities(7); b != nil; b = g.Entities(7) {
		ents = append(ents, b...)
	}
	var rels []kg.Relationship
	for b := g.Relationships(13); b != nil; b = g.Relationships(13) {
		rels = append(rels, b...)
	}
	return ents, rels
}

// TestValidGraph: every entity and relationship passes the domain's rules,
// so the generated graph loads through the same write path as real data.
func TestValidGraph(t *testing.T) {
	ents, rels := generate(t, Options{Nodes: 2000, Edges: 20000})
	if len(ents) != 2000 || len(rels) != 20000 {
		t.Fatalf("got %d entities, %d relationships; want 2000, 20000", len(ents), len(rels))
	}
	byID := map[string]*kg.Entity{}
	for i := range ents {
		if p := ents[i].Validate("entity"); len(p) > 0 {
			t.Fatalf("entity %s: %v", ents[i].ID, p)
		}
		byID[ents[i].ID] = &ents[i]
	}
	seen := map[string]bool{}
	for _, r := range rels {
		if seen[r.ID] {
			t.Fatalf("relationship id %s twice", r.ID)
		}
		seen[r.ID] = true
		rule, _ := kg.RuleFor(r.Type)
		if ok, why := rule.From.Allows(byID[r.From]); !ok {
			t.Fatalf("%s: from %s %s", r.ID, r.From, why)
		}
		if ok, why := rule.To.Allows(byID[r.To]); !ok {
			t.Fatalf("%s: to %s %s", r.ID, r.To, why)
		}
	}
}

// TestSameGraphAsPeer runs the PostGraphile peer's generator
// (../shared/perf-peer/gen) and checks that the actors and relationship
// ends are the same, so both systems are benchmarked on one graph.
func TestSameGraphAsPeer(t *testing.T) {
	src := filepath.Join("..", "..", "..", "shared", "perf-peer", "gen", "main.go")
	if _, err := os.Stat(src); err != nil {
		t.Skip("../shared/perf-peer/gen is absent")
	}
	dir := t.TempDir()
	body, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module gen\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(context.Background(), "go", "run", ".", "-nodes", "500", "-edges", "3000", "-out", dir)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("peer generator: %v\n%s", err, out)
	}
	ents, rels := generate(t, Options{Nodes: 500, Edges: 3000})
	lines := func(name string) []string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var out []string
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			out = append(out, sc.Text())
		}
		return out
	}
	actors := lines("actor.csv")
	if len(actors) != len(ents) {
		t.Fatalf("peer has %d actors, we have %d", len(actors), len(ents))
	}
	for i, l := range actors {
		f := strings.Split(l, ",")
		if want := fmt.Sprintf("a%s", f[0]); ents[i].ID != want || ents[i].Name != f[2] {
			t.Fatalf("actor %d: peer %q, ours %s %q", i, l, ents[i].ID, ents[i].Name)
		}
	}
	peerRels := lines("relationship.csv")
	if len(peerRels) != len(rels) {
		t.Fatalf("peer has %d relationships, we have %d", len(peerRels), len(rels))
	}
	for i, l := range peerRels {
		f := strings.Split(l, ",")
		a, b := "a"+f[1], "a"+f[2]
		r := rels[i]
		if !(r.From == a && r.To == b) && !(r.From == b && r.To == a) {
			t.Fatalf("relationship %d: peer %q, ours %s→%s", i, l, r.From, r.To)
		}
		if r.Since.String() != f[4] || r.Until.String() != f[5] {
			t.Fatalf("relationship %d dates: peer %q, ours %s..%s", i, l, r.Since, r.Until)
		}
	}
}
