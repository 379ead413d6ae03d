package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/polgraph/polgraph/internal/scalebench"
)

// benchScale is the embedded store's scale benchmark, `polgraph bench scale`.
func benchScale() benchSubcommand {
	return benchSubcommand{
		Name:    "scale",
		Summary: "the embedded store at 1M, 3M and 10M relationships: load rate, open, memory, file size, query latencies",
		Flags:   benchScaleFlags,
	}
}

func benchScaleFlags(fs *flag.FlagSet) func(ctx context.Context, env *Env) error {
	o := scalebench.Options{}
	sizes := "1M,3M,10M"
	sameProcess := false
	measure := ""
	fs.StringVar(&sizes, "sizes", sizes, "relationships of each graph, comma separated (100k, 1M, 2500000 ...); each has a tenth as many entities")
	fs.StringVar(&o.Dir, "dir", "", "where to build the stores (default: a temporary directory)")
	fs.BoolVar(&o.Keep, "keep", false, "keep the stores in --dir after measuring")
	fs.IntVar(&o.Batch, "batch", 100_000, "relationships (or entities) per write while loading")
	fs.IntVar(&o.Samples, "samples", 200, "queries per latency figure")
	fs.BoolVar(&sameProcess, "same-process", false, "open and measure each store in this process instead of a fresh one (the load's memory then blurs the figures)")
	fs.StringVar(&measure, "measure", "", "open the store in this data directory, measure it and print the figures as JSON (what the benchmark runs in its child process)")
	return func(ctx context.Context, env *Env) error {
		if measure != "" {
			f, err := scalebench.Measure(ctx, measure, o.Samples)
			if err != nil {
				return err
			}
			return json.NewEncoder(env.Stdout).Encode(f)
		}
		var err error
		if o.Sizes, err = parseSizes(sizes); err != nil {
			return fmt.Errorf("%w: --sizes: %w", ErrUsage, err)
		}
		if !sameProcess {
			self, err := exec.LookPath(os.Args[0])
			if err != nil {
				return fmt.Errorf("cannot re-run this program to measure in a fresh process (try --same-process): %w", err)
			}
			o.Child = []string{self, "bench", "scale", "-samples", strconv.Itoa(o.Samples), "-measure"}
		}
		o.Logger = env.Logger
		var results []scalebench.Result
		err = scalebench.Run(ctx, o, func(r scalebench.Result) {
			results = append(results, r)
		})
		scalebench.WriteTable(env.Stdout, results)
		return err
	}
}

// parseSizes reads "1M,3M,10M" or plain numbers; k and M multiply by a
// thousand and a million.
func parseSizes(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		mult := 1.0
		switch {
		case strings.HasSuffix(part, "M"):
			mult, part = 1e6, strings.TrimSuffix(part, "M")
		case strings.HasSuffix(part, "k"):
			mult, part = 1e3, strings.TrimSuffix(part, "k")
		}
		f, err := strconv.ParseFloat(part, 64)
		if err != nil || f*mult < 10 {
			return nil, fmt.Errorf("%q is not a size of at least 10 relationships", part)
		}
		out = append(out, int(f*mult))
	}
	return out, nil
}
