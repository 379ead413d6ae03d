// Package scalebench measures how the embedded store grows with its data:
// for each size it generates the benchmark graph (internal/gengraph, ten
// relationships per entity), loads it through the store's Apply in batches
// (the write path every importer uses, with fsync on, as in production),
// then opens the store as a fresh server process would and reports the
// open-to-first-answer time, resident size and live heap, the data file's
// size and the store-level network, paths and search latencies.
//
// The open is measured in a child process when Options.Child is set, so
// that the load's heap and page cache mappings do not flatter or inflate
// it; the child runs Measure and prints its Figures as JSON.
package scalebench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/polgraph/polgraph/internal/gengraph"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/embedded"
)

// PerEntity is how many relationships the graph has per entity.
const PerEntity = 10

// Options configure a run. Zero values take the defaults noted.
type Options struct {
	Sizes   []int // relationships of each graph (default 1M, 3M, 10M)
	Dir     string
	Keep    bool // keep the stores (in Dir) instead of removing them
	Batch   int  // relationships per Apply (default 100,000)
	Samples int  // queries per latency figure (default 200)
	// Child, when set, is the command line that runs Measure on a data
	// directory in a fresh process (its last argument is the directory);
	// nil measures in this process.
	Child  []string
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if len(o.Sizes) == 0 {
		o.Sizes = []int{1_000_000, 3_000_000, 10_000_000}
	}
	if o.Batch <= 0 {
		o.Batch = 100_000
	}
	if o.Samples <= 0 {
		o.Samples = 200
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Result is one size's figures.
type Result struct {
	Entities      int
	Relationships int
	Load          time.Duration // in Apply, every entity and relationship
	LoadCPU       time.Duration // CPU time used meanwhile, on every core
	LoadPeakRSS   uint64        // the loading process's peak resident set, bytes (0 where unknown)
	FileBytes     int64
	// Pressure is the share of the last minute in which some runnable
	// task waited for a CPU (Linux's /proc/pressure/cpu, "some avg60"),
	// read after measuring: how much other work on the machine slowed
	// the wall-clock figures. -1 where unknown.
	Pressure float64
	Figures
}

// LoadRate is relationships loaded per second (entities' time included).
func (r Result) LoadRate() float64 { return float64(r.Relationships) / r.Load.Seconds() }

// Figures are what Measure finds on an opened store.
type Figures struct {
	Open      time.Duration // from Open to the first answer
	OpenCPU   time.Duration // CPU time used meanwhile, on every core
	RSS       uint64        // resident set after the queries, bytes
	Heap      uint64        // live heap after a collection, bytes
	Network   Latency       // depth 2, 50 per hop
	Paths     Latency       // shortest, up to 6 hops
	Search    Latency       // a two-token query with a typo
	Relations int           // relationships the store holds
}

// Latency summarises one query's samples.
type Latency struct {
	N        int
	P50, P99 time.Duration
}

// Run measures every size in turn, reporting each result as it is known.
func Run(ctx context.Context, o Options, report func(Result)) error {
	o = o.withDefaults()
	dir := o.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "polgraph-scale-")
		if err != nil {
			return err
		}
		dir = d
		if !o.Keep {
			defer os.RemoveAll(dir)
		}
	}
	for _, n := range o.Sizes {
		sub := filepath.Join(dir, fmt.Sprintf("rels-%d", n))
		if err := os.RemoveAll(sub); err != nil {
			return err
		}
		res, err := measureSize(ctx, o, sub, n)
		if !o.Keep {
			os.RemoveAll(sub)
		}
		if err != nil {
			return fmt.Errorf("%d relationships: %w", n, err)
		}
		report(res)
	}
	return nil
}

func measureSize(ctx context.Context, o Options, dir string, n int) (Result, error) {
	res := Result{Relationships: n, Entities: max(n/PerEntity, 2)}
	o.Logger.Info("loading", "relationships", n, "entities", res.Entities, "dir", dir)
	resetPeakRSS()
	load, loadCPU, err := Load(ctx, dir, gengraph.Options{Nodes: res.Entities, Edges: n}, o.Batch, o.Logger)
	if err != nil {
		return res, err
	}
	res.Load, res.LoadCPU = load, loadCPU
	res.LoadPeakRSS = statusBytes("VmHWM:")
	fi, err := os.Stat(filepath.Join(dir, embedded.FileName))
	if err != nil {
		return res, err
	}
	res.FileBytes = fi.Size()
	o.Logger.Info("loaded", "relationships", n, "took", load.Round(time.Millisecond),
		"rels/s", int(res.LoadRate()), "file MB", res.FileBytes>>20)
	if o.Child == nil {
		runtime.GC()
		res.Figures, err = Measure(ctx, dir, o.Samples)
	} else {
		res.Figures, err = measureInChild(ctx, o, dir)
	}
	if err != nil {
		return res, err
	}
	if res.Relations != n {
		return res, fmt.Errorf("the store holds %d relationships, want %d", res.Relations, n)
	}
	res.Pressure = CPUPressure()
	o.Logger.Info("measured", "relationships", n, "open", res.Open.Round(time.Millisecond),
		"rss MB", res.RSS>>20, "heap MB", res.Heap>>20, "cpu pressure %", res.Pressure)
	return res, nil
}

// Load generates the graph o describes into the store in dir, batch
// relationships (or entities) per Apply, and returns the time spent in
// Apply (generating the batches is not the store's work, and is left out)
// and the CPU time used meanwhile.
func Load(ctx context.Context, dir string, o gengraph.Options, batch int, log *slog.Logger) (wall, cpu time.Duration, err error) {
	s, err := embedded.OpenContext(ctx, dir, embedded.Options{})
	if err != nil {
		return 0, 0, err
	}
	defer s.Close()
	g := gengraph.New(o)
	var spent, spentCPU time.Duration
	apply := func(b kg.Batch) error {
		start, startCPU := time.Now(), CPUTime()
		err := s.Apply(ctx, b)
		spent += time.Since(start)
		spentCPU += CPUTime() - startCPU
		return err
	}
	for ents := g.Entities(batch); ents != nil; ents = g.Entities(batch) {
		if err := apply(kg.Batch{Entities: ents}); err != nil {
			return 0, 0, err
		}
	}
	done := 0
	for rels := g.Relationships(batch); rels != nil; rels = g.Relationships(batch) {
		if err := apply(kg.Batch{Relationships: rels}); err != nil {
			return 0, 0, err
		}
		done += len(rels)
		if done%(10*batch) == 0 {
			log.Info("load progress", "relationships", done, "rels/s", int(float64(done)/spent.Seconds()))
		}
	}
	return spent, spentCPU, s.Close()
}

// Measure opens the store in dir, times the first answer, runs samples of
// each query with random ids, and reads the resident size and live heap.
func Measure(ctx context.Context, dir string, samples int) (Figures, error) {
	var f Figures
	start, startCPU := time.Now(), CPUTime()
	s, err := embedded.OpenContext(ctx, dir, embedded.Options{})
	if err != nil {
		return f, err
	}
	defer s.Close()
	if _, err := s.Entities(ctx, []string{gengraph.ID(1)}); err != nil {
		return f, err
	}
	f.Open, f.OpenCPU = time.Since(start), CPUTime()-startCPU
	c, err := s.Counts(ctx)
	if err != nil {
		return f, err
	}
	f.Relations = c.Relationships
	n := c.Entities
	if n == 0 {
		return f, fmt.Errorf("the store in %s holds no entities: nothing to measure", dir)
	}
	rng := rand.New(rand.NewPCG(uint64(n), 12))
	id := func() string { return gengraph.ID(1 + rng.IntN(n)) }
	if f.Network, err = sample(samples, func() error {
		_, err := s.Network(ctx, kg.NetworkQuery{Seeds: []string{id()}, Depth: 2, PerHop: 50, Limit: kg.DefaultLimits.MaxNodes})
		return err
	}); err != nil {
		return f, err
	}
	if f.Paths, err = sample(samples, func() error {
		_, err := s.Paths(ctx, kg.PathQuery{From: id(), To: id(), MaxLength: kg.DefaultLimits.MaxPathLen, First: 1})
		return err
	}); err != nil {
		return f, err
	}
	if f.Search, err = sample(samples, func() error {
		// "Persno 4242": a transposition in the common token, an exact
		// rare one.
		_, err := s.Search(ctx, kg.SearchQuery{Text: "Persno " + strconv.Itoa(1+rng.IntN(n)), First: 20})
		return err
	}); err != nil {
		return f, err
	}
	f.RSS = residentBytes()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	f.Heap = m.HeapAlloc
	return f, nil
}

func sample(n int, q func() error) (Latency, error) {
	ds := make([]time.Duration, n)
	for i := range ds {
		start := time.Now()
		if err := q(); err != nil {
			return Latency{}, err
		}
		ds[i] = time.Since(start)
	}
	slices.Sort(ds)
	return Latency{N: n, P50: ds[n/2], P99: ds[min(n-1, n*99/100)]}, nil
}

// CPUPressure reads "some avg60" of /proc/pressure/cpu, -1 where unknown.
func CPUPressure() float64 {
	b, err := os.ReadFile("/proc/pressure/cpu")
	if err != nil {
		return -1
	}
	for _, field := range strings.Fields(string(b)) {
		if v, ok := strings.CutPrefix(field, "avg60="); ok {
			p, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return -1
			}
			return p // the first line is "some"
		}
	}
	return -1
}

// residentBytes is the process's resident set (VmRSS), 0 where unknown.
func residentBytes() uint64 { return statusBytes("VmRSS:") }

// resetPeakRSS starts the peak resident set (VmHWM) afresh, where Linux
// allows it, so that each size's load reports its own peak.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// statusBytes reads a size field (in kB) of /proc/self/status, 0 where
// unknown.
func statusBytes(field string) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func measureInChild(ctx context.Context, o Options, dir string) (Figures, error) {
	args := append(slices.Clone(o.Child[1:]), dir)
	cmd := exec.CommandContext(ctx, o.Child[0], args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return Figures{}, fmt.Errorf("measuring in a child process: %w: %s", err, strings.TrimSpace(errOut.String()))
	}
	var f Figures
	if err := json.Unmarshal(out.Bytes(), &f); err != nil {
		return Figures{}, fmt.Errorf("child's figures: %w", err)
	}
	return f, nil
}

// WriteTable writes results as the README's Markdown table.
func WriteTable(w io.Writer, rs []Result) {
	fmt.Fprintln(w, "| relationships (entities) | bulk load: rate (time, CPU) | peak RSS loading | open → first answer (CPU) | RSS / live heap | heap per relationship | data file | network p50 / p99 | paths p50 / p99 | search p50 / p99 | CPU pressure |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rs {
		pressure := "—"
		if r.Pressure >= 0 {
			pressure = strconv.FormatFloat(r.Pressure, 'f', 0, 64) + "%"
		}
		fmt.Fprintf(w, "| %s (%s) | %s/s (%s, %s CPU) | %s | %s (%s CPU) | %s / %s (%.2f×) | %d B | %s | %s / %s | %s / %s | %s / %s | %s |\n",
			count(r.Relationships), count(r.Entities), count(int(r.LoadRate())), secs(r.Load), secs(r.LoadCPU),
			mib(r.LoadPeakRSS), secs(r.Open), secs(r.OpenCPU),
			mib(r.RSS), mib(r.Heap), float64(r.RSS)/float64(max(r.Heap, 1)), r.Heap/uint64(max(r.Relationships, 1)),
			mib(uint64(r.FileBytes)), ms(r.Network.P50), ms(r.Network.P99), ms(r.Paths.P50), ms(r.Paths.P99),
			ms(r.Search.P50), ms(r.Search.P99), pressure)
	}
}

func count(n int) string {
	switch {
	case n >= 1_000_000 && n%100_000 == 0:
		return strconv.FormatFloat(float64(n)/1e6, 'f', -1, 64) + "M"
	case n >= 1_000 && n%100 == 0:
		return strconv.FormatFloat(float64(n)/1e3, 'f', -1, 64) + "k"
	case n >= 10_000:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s" }
func mib(b uint64) string         { return strconv.FormatUint(b>>20, 10) + " MiB" }
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
}
