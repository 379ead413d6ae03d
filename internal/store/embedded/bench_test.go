package embedded

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/polgraph/polgraph/internal/kg"
)

// The benchmark graph: 100k entities and 1M relationships with power-law
// degrees, built by preferential attachment (each new entity ties to
// benchEdgesPer earlier ones, chosen in proportion to their degree), from a
// fixed seed. It is built once per test binary run and shared.
const (
	benchEntities = 100_000
	benchEdgesPer = 10
	benchBatch    = 100_000 // relationships per Apply while loading
)

var bench struct {
	once  sync.Once
	dir   string
	store *Store
	err   error
}

func benchStore(b *testing.B) *Store {
	b.Helper()
	bench.once.Do(func() {
		bench.dir, bench.err = os.MkdirTemp("", "polgraph-bench-")
		if bench.err != nil {
			return
		}
		start := time.Now()
		bench.store, bench.err = Open(bench.dir, Options{NoSync: true})
		if bench.err != nil {
			return
		}
		gen := newPowerLaw(benchEntities, benchEdgesPer, 1)
		ctx := context.Background()
		if bench.err = bench.store.Apply(ctx, kg.Batch{Entities: gen.entities()}); bench.err != nil {
			return
		}
		for rels := gen.batch(benchBatch); len(rels) > 0; rels = gen.batch(benchBatch) {
			if bench.err = bench.store.Apply(ctx, kg.Batch{Relationships: rels}); bench.err != nil {
				return
			}
		}
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Fprintf(os.Stderr, "bench graph: %d entities, %d relationships loaded in %v; heap %d MiB\n",
			gen.n, gen.rels, time.Since(start).Round(time.Millisecond), m.HeapAlloc>>20)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.store
}

func closeBench() {
	if bench.store != nil {
		bench.store.Close()
	}
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
}

var benchTypes = []kg.RelType{kg.MemberOf, kg.WorksFor, kg.Leads, kg.HoldsPosition, kg.Mentions, kg.PartOf}

func benchEntityID(i int) string { return fmt.Sprintf("e-%07d", i) }

// powerLaw generates a graph of n entities by preferential attachment: each
// entity after the first ties to per earlier ones. endpoints holds one entry
// per relationship end, so drawing from it picks an entity with probability
// proportional to its degree. Relationships come out in batches, so that
// the whole list never sits in memory beside the store.
type powerLaw struct {
	rng       *rand.Rand
	n, per    int
	ids       []string
	endpoints []int32
	next      int // the entity whose relationships come next
	rels      int
}

func newPowerLaw(n, per int, seed uint64) *powerLaw {
	p := &powerLaw{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), n: n, per: per, next: 1}
	p.ids = make([]string, n)
	for i := range p.ids {
		p.ids[i] = benchEntityID(i)
	}
	p.endpoints = make([]int32, 0, 2*n*per)
	return p
}

func (p *powerLaw) entities() []kg.Entity {
	ents := make([]kg.Entity, p.n)
	for i := range ents {
		ents[i] = kg.Entity{ID: p.ids[i], Kind: kg.Person, Name: fmt.Sprintf("Person %d", i)}
	}
	return ents
}

// batch returns about size more relationships, none when all are out.
func (p *powerLaw) batch(size int) []kg.Relationship {
	rels := make([]kg.Relationship, 0, size+p.per)
	for ; p.next < p.n && len(rels) < size; p.next++ {
		i := p.next
		for range p.per {
			var to int
			if len(p.endpoints) == 0 || p.rng.IntN(10) == 0 {
				to = p.rng.IntN(i) // some uniform choice keeps the tail connected
			} else {
				to = int(p.endpoints[p.rng.IntN(len(p.endpoints))])
			}
			r := kg.Relationship{
				ID:   fmt.Sprintf("r-%08d", p.rels),
				Type: benchTypes[p.rng.IntN(len(benchTypes))],
				From: p.ids[i], To: p.ids[to],
			}
			if p.rng.IntN(4) == 0 {
				r.Since = kg.Date{Year: 1990 + p.rng.IntN(30)}
			}
			if p.rng.IntN(10) == 0 {
				r.Evidence = []kg.Evidence{{Article: p.ids[p.rng.IntN(p.n)], Confidence: 0.8}}
			}
			rels = append(rels, r)
			p.rels++
			p.endpoints = append(p.endpoints, int32(i), int32(to))
		}
	}
	return rels
}

func BenchmarkNetwork(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(2, 2))
	seeds := make([]string, 1024)
	for i := range seeds {
		seeds[i] = benchEntityID(rng.IntN(benchEntities))
	}
	nodes, edges := 0, 0
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sub, err := s.Network(ctx, kg.NetworkQuery{Seeds: []string{seeds[i%len(seeds)]}, Depth: 2, PerHop: 50, Limit: kg.DefaultLimits.MaxNodes})
		if err != nil {
			b.Fatal(err)
		}
		nodes += len(sub.Nodes)
		edges += len(sub.Edges)
	}
	b.ReportMetric(float64(nodes)/float64(b.N), "nodes/op")
	b.ReportMetric(float64(edges)/float64(b.N), "edges/op")
}

func BenchmarkShortestPath(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 3))
	pairs := make([][2]string, 1024)
	for i := range pairs {
		pairs[i] = [2]string{benchEntityID(rng.IntN(benchEntities)), benchEntityID(rng.IntN(benchEntities))}
	}
	length, found := 0, 0
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := pairs[i%len(pairs)]
		paths, err := s.Paths(ctx, kg.PathQuery{From: p[0], To: p[1], MaxLength: 6, First: 1})
		if err != nil {
			b.Fatal(err)
		}
		if len(paths) > 0 {
			found++
			length += len(paths[0].Edges)
		}
	}
	b.ReportMetric(float64(length)/float64(max(found, 1)), "hops/op")
	b.ReportMetric(float64(found)/float64(b.N), "found/op")
}

// BenchmarkBulkUpsert writes batches of new relationships among the
// benchmark's entities into its own store, with fsync on, as an importer
// would.
func BenchmarkBulkUpsert(b *testing.B) {
	const batch = 20_000
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Apply(ctx, kg.Batch{Entities: newPowerLaw(benchEntities, 0, 1).entities()}); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	next := 0
	makeBatch := func() []kg.Relationship {
		rels := make([]kg.Relationship, batch)
		for k := range rels {
			from, to := rng.IntN(benchEntities), rng.IntN(benchEntities-1)
			if to >= from {
				to++
			}
			rels[k] = kg.Relationship{
				ID: fmt.Sprintf("r-%08d", next), Type: benchTypes[k%len(benchTypes)],
				From: benchEntityID(from), To: benchEntityID(to),
				Evidence: []kg.Evidence{{Article: benchEntityID(rng.IntN(benchEntities)), Quote: "quoted passage", Confidence: 0.9}},
			}
			next++
		}
		return rels
	}
	var spent time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		rels := makeBatch()
		b.StartTimer()
		start := time.Now()
		if err := s.Apply(ctx, kg.Batch{Relationships: rels}); err != nil {
			b.Fatal(err)
		}
		spent += time.Since(start)
	}
	b.ReportMetric(float64(b.N*batch)/spent.Seconds(), "rels/s")
}

// BenchmarkSearch is a typo'd two-token query over the benchmark graph's
// 100k names (not a target of the issue; here to watch the cost of the
// vocabulary scan).
func BenchmarkSearch(b *testing.B) {
	s := benchStore(b)
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

// BenchmarkMerge merges one person into another (about twenty
// relationships each, as duplicate pairs have) and, outside the timer for Merge and inside it for Unmerge,
// undoes the merge, so the graph is left as it was. On a store of
// 100k entities and 1M relationships it shows what settling duplicate
// pairs costs per pair.
func BenchmarkMerge(b *testing.B) {
	// Its own store (1M person-to-person ties among 100k people): the
	// shared graph's mixed types are not all allowed between persons.
	s, err := Open(b.TempDir(), Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Apply(ctx, kg.Batch{Entities: newPowerLaw(benchEntities, 0, 1).entities()}); err != nil {
		b.Fatal(err)
	}
	load := rand.New(rand.NewPCG(7, 7))
	for batch := range benchEntities * benchEdgesPer / benchBatch {
		rels := make([]kg.Relationship, benchBatch)
		for k := range rels {
			from, to := load.IntN(benchEntities), load.IntN(benchEntities-1)
			if to >= from {
				to++
			}
			rels[k] = kg.Relationship{ID: fmt.Sprintf("r-%08d", batch*benchBatch+k), Type: kg.SpokespersonFor,
				From: benchEntityID(from), To: benchEntityID(to)}
		}
		if err := s.Apply(ctx, kg.Batch{Relationships: rels}); err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(6, 6))
	pick := func() (string, string) {
		a := rng.IntN(benchEntities)
		c := rng.IntN(benchEntities - 1)
		if c >= a {
			c++
		}
		return benchEntityID(a), benchEntityID(c)
	}
	merge := func(b *testing.B, keep, gone string) string {
		if err := s.Apply(ctx, kg.Batch{Merge: &kg.Merge{Keep: keep, Merged: []string{gone}}, Op: "mergeEntities",
			Audit: &kg.AuditMeta{Actor: "bench", Op: "mergeEntities"}}); err != nil {
			b.Fatal(err)
		}
		page, err := s.AuditLog(ctx, kg.AuditQuery{Entity: gone, First: 1000})
		if err != nil || len(page.Records) == 0 {
			b.Fatalf("the merge's record: %v", err)
		}
		return page.Records[len(page.Records)-1].ID
	}
	unmerge := func(b *testing.B, rec string) {
		if _, err := s.Revert(ctx, rec, kg.AuditMeta{Actor: "bench", Op: "unmergeEntity"}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("Merge", func(b *testing.B) {
		for b.Loop() {
			keep, gone := pick()
			rec := merge(b, keep, gone)
			b.StopTimer()
			unmerge(b, rec)
			b.StartTimer()
		}
	})
	b.Run("Unmerge", func(b *testing.B) {
		for b.Loop() {
			keep, gone := pick()
			b.StopTimer()
			rec := merge(b, keep, gone)
			b.StartTimer()
			unmerge(b, rec)
		}
	})
}
