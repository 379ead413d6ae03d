package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/importer/popolo"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/scalebench"
	"github.com/polgraph/polgraph/internal/store/open"
)

// benchImport is `polgraph bench import`: a generated Popolo file imported
// into a store, with the rate.
func benchImport() benchSubcommand {
	return benchSubcommand{
		Name: "import",
		Summary: "generate a Popolo file (default 100k persons, 300k memberships), import it into a store " +
			"(default a temporary embedded one) and print records/s",
		Flags: func(fs *flag.FlagSet) func(context.Context, *Env) error {
			store := fs.String("store", "", "store to import into (neo4j://, bolt://, a directory): it should be empty. Not read from POLGRAPH_STORE, so a benchmark never writes into the configured store")
			persons := fs.Int("persons", 100_000, "persons in the generated file")
			memberships := fs.Int("memberships", 300_000, "memberships in the generated file")
			batch := fs.Int("batch-size", 0, "records per write (default the importer's 20000)")
			cpu := fs.String("cpuprofile", "", "write a CPU profile of the import to this file")
			again := fs.Bool("again", true, "import the file a second time and time that too (nothing changes: the idempotent path)")
			return func(ctx context.Context, env *Env) (err error) {
				if *persons < 1 || *memberships < 0 {
					return fmt.Errorf("%w: --persons must be positive, --memberships not negative", ErrUsage)
				}
				tmp, err := os.MkdirTemp("", "polgraph-bench-import-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				uri := *store
				if uri == "" {
					uri = filepath.Join(tmp, "store")
				}
				file := filepath.Join(tmp, "generated-popolo.json")
				start := time.Now()
				f, err := os.Create(file)
				if err != nil {
					return err
				}
				if err := popolo.Generate(f, *persons, *memberships, 1); err != nil {
					f.Close()
					return err
				}
				if err := f.Close(); err != nil {
					return err
				}
				st, err := os.Stat(file)
				if err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "generated %s: %d persons, %d memberships, %.1f MB in %s\n",
					filepath.Base(file), *persons, *memberships, float64(st.Size())/1e6, time.Since(start).Round(time.Millisecond))

				s, err := open.Open(ctx, uri, env.Logger)
				if err != nil {
					return err
				}
				defer closeStore(s, &err)
				svc := kg.NewService(s, kg.DefaultLimits)
				if *cpu != "" {
					pf, err := os.Create(*cpu)
					if err != nil {
						return err
					}
					defer pf.Close()
					if err := pprof.StartCPUProfile(pf); err != nil {
						return err
					}
					defer pprof.StopCPUProfile()
				}
				runs := []string{"first import"}
				if *again {
					runs = append(runs, "second import")
				}
				for _, label := range runs {
					r, err := popolo.Open(file)
					if err != nil {
						return err
					}
					start, startCPU := time.Now(), scalebench.CPUTime()
					sum, err := importer.Run(asCLI(ctx), svc, r, importer.Options{BatchSize: *batch})
					took, cpu := time.Since(start), scalebench.CPUTime()-startCPU
					if err != nil {
						return fmt.Errorf("%s: %w", label, err)
					}
					// CPU time (this process, every core) says what the
					// import costs when other work shares the machine;
					// the CPU pressure says how much it did.
					fmt.Fprintf(env.Stdout, "%s (%s): %d records in %s: %.0f records/s (CPU %s: %.0f records per CPU-second; CPU pressure %.0f%%)\n  %s\n",
						label, redactURI(uri), sum.Records, took.Round(time.Millisecond), float64(sum.Records)/took.Seconds(),
						cpu.Round(time.Millisecond), float64(sum.Records)/cpu.Seconds(), scalebench.CPUPressure(), sum.String())
				}
				return nil
			}
		},
	}
}
