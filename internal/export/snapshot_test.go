package export

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

// TestWholeGraphDuringWrites exports the whole graph while a writer adds
// entities and relationships to them: every export is one state of the
// graph, with no edge to a node it does not hold.
func TestWholeGraphDuringWrites(t *testing.T) {
	svc := openService(t, fixture())
	ctx := context.Background()
	done := make(chan struct{})
	werr := make(chan error, 1)
	go func() {
		defer close(werr)
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			id := fmt.Sprintf("w-%05d", i)
			b := kg.Batch{
				Entities:      []kg.Entity{{ID: id, Kind: kg.Organization, Name: "Org " + id, Classification: kg.Party}},
				Relationships: []kg.Relationship{{Type: kg.MemberOf, From: "han-dong", To: id}},
			}
			if err := svc.Apply(ctx, "writer", &b, kg.BatchPaths{}); err != nil {
				werr <- err
				return
			}
		}
	}()
	defer func() {
		close(done)
		if err := <-werr; err != nil {
			t.Errorf("writer: %v", err)
		}
	}()
	for range 10 {
		var g struct {
			Nodes []struct{ ID string }
			Edges []struct{ From, To string }
		}
		if err := json.Unmarshal(export(t, svc, Selection{}, mustFormat(t, "json")), &g); err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, n := range g.Nodes {
			have[n.ID] = true
		}
		for _, e := range g.Edges {
			if !have[e.From] || !have[e.To] {
				t.Fatalf("an edge %s -> %s has an end the export does not hold (%d nodes, %d edges)", e.From, e.To, len(g.Nodes), len(g.Edges))
			}
		}
	}
}
