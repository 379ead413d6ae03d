package neo4j

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/polgraph/polgraph/internal/gengraph"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/embedded"
	"github.com/polgraph/polgraph/internal/testtool"
	"github.com/polgraph/polgraph/internal/transfer"
)

// The Neo4j benchmarks run on the benchmark graph (internal/gengraph, the
// PostGraphile peer's: 100k entities and 1M power-law relationships by
// default; POLGRAPH_BENCH_NODES / POLGRAPH_BENCH_EDGES resize it), written
// into an embedded store and copied into the Neo4j named by NEO4J_URI with
// transfer.Copy, the code behind `polgraph copy`, whose rate is reported.
// The graph stays in Neo4j, so later runs reuse it when the counts match.
//
//	eval "$(tools/neo4j-test-server/run)"
//	go test -run '^$' -bench . -benchtime 200x ./internal/store/neo4j
var neoBench struct {
	once  sync.Once
	store *Store
	nodes int
	err   error
}

func benchSize(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func neo4jBenchStore(b *testing.B) (*Store, int) {
	b.Helper()
	uri := testtool.Neo4jURI(b)
	neoBench.once.Do(func() {
		nodes, edges := benchSize("POLGRAPH_BENCH_NODES", 100_000), benchSize("POLGRAPH_BENCH_EDGES", 1_000_000)
		neoBench.nodes = nodes
		cfg, err := ConfigFromEnv(uri, os.Getenv)
		if err != nil {
			neoBench.err = err
			return
		}
		cfg.QueryTimeout = 10 * time.Minute
		ctx := context.Background()
		if neoBench.store, neoBench.err = Open(ctx, cfg); neoBench.err != nil {
			return
		}
		c, err := neoBench.store.Counts(ctx)
		if err != nil {
			neoBench.err = err
			return
		}
		if c.Entities == nodes && c.Relationships == edges {
			fmt.Fprintf(os.Stderr, "neo4j bench graph: reusing %d entities, %d relationships\n", c.Entities, c.Relationships)
			return
		}
		if neoBench.err = neoBench.store.DeleteAll(ctx); neoBench.err != nil {
			return
		}
		dir, err := os.MkdirTemp("", "polgraph-neo4j-bench-")
		if err != nil {
			neoBench.err = err
			return
		}
		defer os.RemoveAll(dir)
		src, err := embedded.Open(dir, embedded.Options{NoSync: true})
		if err != nil {
			neoBench.err = err
			return
		}
		defer src.Close()
		gen := gengraph.New(gengraph.Options{Nodes: nodes, Edges: edges})
		for ents := gen.Entities(100_000); ents != nil; ents = gen.Entities(100_000) {
			if neoBench.err = src.Apply(ctx, kg.Batch{Entities: ents}); neoBench.err != nil {
				return
			}
		}
		for rels := gen.Relationships(100_000); rels != nil; rels = gen.Relationships(100_000) {
			if neoBench.err = src.Apply(ctx, kg.Batch{Relationships: rels}); neoBench.err != nil {
				return
			}
		}
		start := time.Now()
		st, err := transfer.Copy(ctx, src, neoBench.store, transfer.Options{})
		if err != nil {
			neoBench.err = err
			return
		}
		d := time.Since(start)
		fmt.Fprintf(os.Stderr, "neo4j bench graph: copied %d entities and %d relationships in %v: %.0f relationships/s, %.0f items/s\n",
			st.Entities, st.Relationships, d.Round(time.Millisecond),
			float64(st.Relationships)/d.Seconds(), float64(st.Entities+st.Relationships)/d.Seconds())
	})
	if neoBench.err != nil {
		b.Fatal(neoBench.err)
	}
	return neoBench.store, neoBench.nodes
}

func BenchmarkNeo4jNetwork(b *testing.B) {
	s, n := neo4jBenchStore(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(2, 2))
	nodes, edges := 0, 0
	b.ReportAllocs()
	for b.Loop() {
		sub, err := s.Network(ctx, kg.NetworkQuery{Seeds: []string{gengraph.ID(1 + rng.IntN(n))}, Depth: 2, PerHop: 50, Limit: kg.DefaultLimits.MaxNodes})
		if err != nil {
			b.Fatal(err)
		}
		nodes += len(sub.Nodes)
		edges += len(sub.Edges)
	}
	b.ReportMetric(float64(nodes)/float64(b.N), "nodes/op")
	b.ReportMetric(float64(edges)/float64(b.N), "edges/op")
}

func BenchmarkNeo4jShortestPath(b *testing.B) {
	s, n := neo4jBenchStore(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 3))
	found := 0
	b.ReportAllocs()
	for b.Loop() {
		paths, err := s.Paths(ctx, kg.PathQuery{From: gengraph.ID(1 + rng.IntN(n)), To: gengraph.ID(1 + rng.IntN(n)), MaxLength: 6, First: 1})
		if err != nil {
			b.Fatal(err)
		}
		if len(paths) > 0 {
			found++
		}
	}
	b.ReportMetric(float64(found)/float64(b.N), "found/op")
}

func BenchmarkNeo4jSearch(b *testing.B) {
	s, _ := neo4jBenchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		page, err := s.Search(ctx, kg.SearchQuery{Text: "Persno 4242", First: 20})
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Edges) == 0 {
			b.Fatal("no hits")
		}
	}
}
