// Package bench is polgraph's HTTP benchmark, the one way the README's
// performance figures are measured: it generates the power-law graph of
// internal/gengraph (the PostGraphile peer's graph), loads it into a store,
// serves it over loopback with the production handler, drives the query
// shapes of Shapes with random ids at a given concurrency, and reports
// requests per second and latency percentiles per shape, optionally side by
// side with a PostGraphile peer driven with the same ids.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/polgraph/polgraph/internal/gengraph"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
	"github.com/polgraph/polgraph/internal/store/open"
)

// HTTPOptions configure one run of the HTTP benchmark.
type HTTPOptions struct {
	// Store is the store to load the graph into and serve: "" for a
	// temporary embedded store, removed afterwards; otherwise a store URI
	// (neo4j://, bolt://, a directory) that is empty or already holds
	// exactly this graph.
	Store         string
	Entities      int
	Relationships int
	Shapes        []string // names from Shapes; empty for all
	Queries       []Shape  // other queries to run instead of Shapes (tests)
	Rounds        int      // interleaved rounds (polgraph, peer, polgraph, ...)
	Load          Load
	PeerURL       string // PostGraphile's /graphql, "" for none
	CPUProfile    string // write a CPU profile of the measured runs here
	LoadBatch     int    // items per write while loading (default 50,000)
	Logger        *slog.Logger
	Out           io.Writer
}

// RunHTTP runs the HTTP benchmark and prints its report to o.Out. It
// fails if any request failed, so a broken query is never reported as a
// fast one.
func RunHTTP(ctx context.Context, o HTTPOptions) (err error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Rounds < 1 {
		o.Rounds = 1
	}
	shapes, err := pick(o.Shapes)
	if err != nil {
		return err
	}
	if o.Queries != nil {
		shapes = o.Queries
	}
	uri := o.Store
	if uri == "" {
		dir, err := os.MkdirTemp("", "polgraph-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		uri = dir
	}
	store, err := open.Open(ctx, uri, o.Logger)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := store.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	svc := kg.NewService(store, kg.DefaultLimits)
	gopt := gengraph.Options{Nodes: o.Entities, Edges: o.Relationships}
	if err := LoadGraph(ctx, svc, gopt, o.LoadBatch, o.Logger); err != nil {
		return err
	}
	o.Load.Actors = gengraph.New(gopt).Options().Nodes

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	// The production handler, access log included (at info, as served),
	// written nowhere.
	h := server.New(server.Options{Service: svc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/graphql"

	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	client := NewClient(o.Load.Concurrency)
	fmt.Fprintf(o.Out, "graph: %d entities, %d relationships; store %s; c=%d, %v per run (+%v warm-up), %d round(s)\n",
		o.Load.Actors, gengraph.New(gopt).Options().Edges, storeName(o.Store), o.Load.Concurrency, o.Load.Duration, o.Load.Warmup, o.Rounds)
	var runs []Result
	for round := 1; round <= o.Rounds; round++ {
		for _, s := range shapes {
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			r, err := Drive(ctx, client, url, "polgraph", s, o.Load, round)
			runtime.ReadMemStats(&ms1)
			if err != nil {
				return err
			}
			printRun(o.Out, round, r, fmt.Sprintf(" allocs/req %d", int(float64(ms1.Mallocs-ms0.Mallocs)/float64(max(r.Requests, 1)))))
			runs = append(runs, r)
			if o.PeerURL == "" || s.Peer == "" {
				continue
			}
			ps, _ := shape(PeerShapes, s.Peer)
			p, err := Drive(ctx, client, o.PeerURL, "peer", ps, o.Load, round)
			if err != nil {
				return err
			}
			p.Shape = s.Name
			printRun(o.Out, round, p, " ("+ps.Name+")")
			runs = append(runs, p)
		}
	}
	sum := Summarize(runs)
	fmt.Fprintln(o.Out)
	Report(o.Out, sum, shapes, o.PeerURL != "")
	var failed []string
	for _, r := range sum {
		if r.Errors > 0 {
			failed = append(failed, fmt.Sprintf("%s %s: %d of %d requests failed, first: %s", r.System, r.Shape, r.Errors, r.Requests, r.FirstErr))
		}
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "\n"))
	}
	return nil
}

func storeName(s string) string {
	if s == "" {
		return "embedded (temporary)"
	}
	return "as given"
}

func pick(names []string) ([]Shape, error) {
	if len(names) == 0 {
		return Shapes, nil
	}
	var out []Shape
	for _, n := range names {
		s, ok := shape(Shapes, n)
		if !ok {
			var all []string
			for _, s := range Shapes {
				all = append(all, s.Name)
			}
			return nil, kg.Invalidf("bench", "queries", "unknown query %q (want %s)", n, strings.Join(all, ", "))
		}
		out = append(out, s)
	}
	return out, nil
}

func printRun(w io.Writer, round int, r Result, extra string) {
	fmt.Fprintf(w, "round %d %-6s %-8s %9.1f rps  p50 %7.2f ms  p99 %7.2f ms  %6.1f KiB/resp  errors %d%s\n",
		round, r.Shape, r.System, r.RPS(), ms(r.Percentile(50)), ms(r.Percentile(99)),
		float64(r.Bytes)/float64(max(r.Requests, 1))/1024, r.Errors, extra)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Summarize merges the rounds of each (system, shape).
func Summarize(runs []Result) []Result {
	var out []Result
	index := map[string]int{}
	for _, r := range runs {
		k := r.System + "/" + r.Shape
		i, ok := index[k]
		if !ok {
			index[k] = len(out)
			out = append(out, Result{System: r.System, Shape: r.Shape})
			i = len(out) - 1
		}
		out[i].merge(r)
	}
	return out
}

// Report prints the summary as a Markdown table, with the peer's columns
// and the ratio when the peer was measured.
func Report(w io.Writer, sum []Result, shapes []Shape, peer bool) {
	find := func(system, name string) (Result, bool) {
		for _, r := range sum {
			if r.System == system && r.Shape == name {
				return r, true
			}
		}
		return Result{}, false
	}
	if peer {
		fmt.Fprintln(w, "| query | polgraph rps | p50 ms | p99 ms | PostGraphile rps | p50 ms | p99 ms | ratio |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	} else {
		fmt.Fprintln(w, "| query | rps | p50 ms | p99 ms |")
		fmt.Fprintln(w, "|---|---|---|---|")
	}
	for _, s := range shapes {
		r, ok := find("polgraph", s.Name)
		if !ok {
			continue
		}
		line := fmt.Sprintf("| %s: %s | %.0f | %.2f | %.2f |", s.Name, s.About, r.RPS(), ms(r.Percentile(50)), ms(r.Percentile(99)))
		if peer {
			if p, ok := find("peer", s.Name); ok {
				line += fmt.Sprintf(" %.0f | %.2f | %.2f | %.1f× |", p.RPS(), ms(p.Percentile(50)), ms(p.Percentile(99)), r.RPS()/p.RPS())
			} else {
				line += " — | — | — | — |"
			}
		}
		fmt.Fprintln(w, line)
	}
}

// LoadGraph loads the generated graph into an empty store through the
// Service's write path, batch items per write. A store that already holds exactly that many
// entities and relationships is taken to hold it (a second run on Neo4j
// need not load again); any other non-empty store is refused, so the
// benchmark never writes into real data.
func LoadGraph(ctx context.Context, svc *kg.Service, o gengraph.Options, batch int, logger *slog.Logger) error {
	if batch <= 0 {
		batch = 50_000
	}
	g := gengraph.New(o)
	want := g.Options()
	c, err := svc.Store().Counts(ctx)
	if err != nil {
		return err
	}
	switch {
	case c.Entities == want.Nodes && c.Relationships == want.Edges:
		logger.Info("store already holds the benchmark graph; not loading", slog.Int("entities", c.Entities), slog.Int("relationships", c.Relationships))
		return nil
	case c.Entities > 0 || c.Relationships > 0:
		return kg.Invalidf("bench", "store", "the store holds %d entities and %d relationships, not the benchmark graph (%d, %d): give an empty store",
			c.Entities, c.Relationships, want.Nodes, want.Edges)
	}
	start := time.Now()
	for ents := g.Entities(batch); ents != nil; ents = g.Entities(batch) {
		if err := svc.Apply(ctx, "bench", &kg.Batch{Entities: ents}, kg.BatchPaths{}); err != nil {
			return fmt.Errorf("load entities: %w", err)
		}
	}
	n := 0
	for rels := g.Relationships(batch); rels != nil; rels = g.Relationships(batch) {
		if err := svc.Apply(ctx, "bench", &kg.Batch{Relationships: rels}, kg.BatchPaths{}); err != nil {
			return fmt.Errorf("load relationships: %w", err)
		}
		n += len(rels)
		logger.Info("loading", slog.Int("relationships", n), slog.Duration("elapsed", time.Since(start).Round(time.Millisecond)))
	}
	logger.Info("graph loaded", slog.Int("entities", want.Nodes), slog.Int("relationships", want.Edges),
		slog.Duration("elapsed", time.Since(start).Round(time.Millisecond)))
	return nil
}
