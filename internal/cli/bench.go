package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/polgraph/polgraph/internal/bench"
)

// benchSubcommand is one benchmark: `polgraph bench NAME [FLAGS]`.
type benchSubcommand struct {
	Name    string
	Summary string
	Flags   func(fs *flag.FlagSet) func(ctx context.Context, env *Env) error
}

// benchSubcommands is the table of benchmarks, in the order help lists them.
func benchSubcommands() []benchSubcommand {
	return []benchSubcommand{
		benchHTTP(),
		benchScale(),
		benchImport(),
	}
}

func benchCommand() Command {
	return Command{
		Name:    "bench",
		Args:    "BENCHMARK [FLAGS]",
		Summary: "run a benchmark (http: the GraphQL API over loopback on the generated power-law graph)",
		Options: []string{"log-level", "log-format"},
		Run:     runBench,
	}
}

func runBench(ctx context.Context, env *Env, args []string) error {
	subs := benchSubcommands()
	if len(args) == 0 {
		benchUsage(env.Stderr, subs)
		return fmt.Errorf("%w: bench needs a benchmark name", ErrUsage)
	}
	for _, sub := range subs {
		if sub.Name != args[0] {
			continue
		}
		fs := flag.NewFlagSet("polgraph bench "+sub.Name, flag.ContinueOnError)
		fs.SetOutput(env.Stderr)
		run := sub.Flags(fs)
		fs.Usage = func() {
			fmt.Fprintf(env.Stderr, "Usage: polgraph bench %s [FLAGS]\n\n%s\n\nFlags:\n", sub.Name, sub.Summary)
			fs.PrintDefaults()
		}
		if err := fs.Parse(args[1:]); err != nil {
			if err == flag.ErrHelp {
				return nil
			}
			return fmt.Errorf("%w: %w", ErrUsage, err)
		}
		if fs.NArg() > 0 {
			return fmt.Errorf("%w: bench %s takes no arguments, got %q", ErrUsage, sub.Name, fs.Args())
		}
		return run(ctx, env)
	}
	benchUsage(env.Stderr, subs)
	return fmt.Errorf("%w: unknown benchmark %q", ErrUsage, args[0])
}

func benchUsage(w io.Writer, subs []benchSubcommand) {
	fmt.Fprintln(w, "Usage: polgraph bench BENCHMARK [FLAGS]   (polgraph bench BENCHMARK -h for its flags)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Benchmarks:")
	for _, s := range subs {
		fmt.Fprintf(w, "  %-8s %s\n", s.Name, s.Summary)
	}
}

func benchHTTP() benchSubcommand {
	return benchSubcommand{
		Name: "http",
		Summary: "generate the power-law graph (the PostGraphile peer's), load it into a store, serve it on 127.0.0.1 " +
			"and drive the query shapes with random ids; prints rps and p50/p99 per query",
		Flags: func(fs *flag.FlagSet) func(context.Context, *Env) error {
			store := fs.String("store", "", "store to load and serve (neo4j://, bolt://, a directory): empty or already holding this graph; default a temporary embedded store. Not read from POLGRAPH_STORE, so a benchmark never writes into the configured store")
			entities := fs.Int("entities", 100_000, "actors in the generated graph")
			rels := fs.Int("relationships", 0, "relationships in the generated graph (default 10 × entities)")
			queries := fs.String("queries", "", "comma-separated queries to run (default all: "+shapeNames()+")")
			conc := fs.Int("concurrency", 8, "requests in flight, one connection each")
			dur := fs.Duration("duration", 20*time.Second, "measured time per query and round")
			warm := fs.Duration("warmup", 2*time.Second, "unmeasured time before each measured run")
			rounds := fs.Int("rounds", 1, "interleaved rounds (each query: polgraph, then the peer)")
			peer := fs.String("peer", "", "PostGraphile's /graphql URL on loopback, to drive its queries with the same ids (../shared/perf-peer)")
			seed := fs.Uint64("seed", 1, "seed of the random ids")
			batch := fs.Int("load-batch", 50_000, "entities or relationships per write while loading (Neo4j: 5000 keeps each transaction well within its timeout)")
			cpu := fs.String("cpuprofile", "", "write a CPU profile of the measured runs (server and load driver) to this file")
			return func(ctx context.Context, env *Env) error {
				if *entities < 2 {
					return fmt.Errorf("%w: --entities must be at least 2, got %d", ErrUsage, *entities)
				}
				if *rels == 0 {
					*rels = 10 * *entities
				}
				if *rels < 0 || *conc < 1 || *dur <= 0 || *warm < 0 || *rounds < 1 || *batch < 1 {
					return fmt.Errorf("%w: --relationships, --concurrency, --duration, --rounds and --load-batch must be positive, --warmup not negative", ErrUsage)
				}
				var names []string
				if *queries != "" {
					for _, n := range strings.Split(*queries, ",") {
						names = append(names, strings.TrimSpace(n))
					}
				}
				return bench.RunHTTP(ctx, bench.HTTPOptions{
					Store: *store, Entities: *entities, Relationships: *rels, Shapes: names, Rounds: *rounds,
					Load:    bench.Load{Concurrency: *conc, Duration: *dur, Warmup: *warm, Seed: *seed},
					PeerURL: *peer, CPUProfile: *cpu, LoadBatch: *batch, Logger: env.Logger, Out: env.Stdout,
				})
			}
		},
	}
}

func shapeNames() string {
	var out []string
	for _, s := range bench.Shapes {
		out = append(out, s.Name)
	}
	return strings.Join(out, ",")
}
