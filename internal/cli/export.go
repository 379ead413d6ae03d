package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"

	"github.com/polgraph/polgraph/internal/export"
)

// exportCommand is "polgraph export": the logic, flags and formats live in
// internal/export; this only opens the configured store.
func exportCommand() Command {
	var opts *export.CLIOptions
	return Command{
		Name:    "export",
		Summary: "write the graph, or the network around seeds, as GraphML, GEXF, Cytoscape JSON, neo4j CSV, FollowTheMoney or JSON",
		Options: []string{"data", "store", "log-level", "log-format"},
		Flags:   func(fs *flag.FlagSet) { opts = export.AddFlags(fs) },
		Run: func(ctx context.Context, env *Env, args []string) (err error) {
			if len(args) > 0 {
				return fmt.Errorf("%w: export takes no arguments (got %q); seeds are given with --seed", ErrUsage, args[0])
			}
			rm, err := env.remoteServer(ctx)
			if err != nil {
				return err
			}
			if rm != nil {
				return export.RunRemote(ctx, func(ctx context.Context, q url.Values) (io.ReadCloser, error) {
					resp, err := rm.get(ctx, "/export", q)
					if err != nil {
						return nil, err
					}
					return resp.Body, nil
				}, opts, env.Stdout)
			}
			svc, store, err := env.OpenService(ctx)
			if err != nil {
				return err
			}
			defer closeStore(store, &err)
			return export.RunOptions(ctx, svc, opts, env.Stdout, env.Stderr)
		},
	}
}
