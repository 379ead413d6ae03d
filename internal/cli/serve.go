package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/polgraph/polgraph/examples"
	"github.com/polgraph/polgraph/internal/dossier"
	"github.com/polgraph/polgraph/internal/export"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
	"github.com/polgraph/polgraph/web"
)

func serveCommand() Command {
	return Command{
		Name:    "serve",
		Summary: "serve the GraphQL API (/graphql), GraphiQL (/graphiql), the web page (/) and exports (/export)",
		Options: []string{"addr", "data", "store", "demo", "log-level", "log-format", "shutdown-timeout",
			"max-body-bytes", "max-complexity", "max-depth", "max-tokens", "max-aliases", "max-selections", "max-search-words",
			"request-timeout", "write-timeout", "allowed-hosts", "persisted-queries", "introspection", "access-log-sample"},
		Run: runServe,
	}
}

func runServe(ctx context.Context, env *Env, args []string) (err error) {
	if len(args) > 0 {
		return fmt.Errorf("%w: serve takes no arguments, got %q", ErrUsage, args)
	}
	cfg := env.Config
	env.Logger.Debug("config", attrsAny(cfg.Attrs())...)
	svc, store, err := env.OpenService(ctx)
	if err != nil {
		return err
	}
	defer closeStore(store, &err)
	metrics := server.NewMetrics()
	svc = kg.NewService(metrics.Store(store), svc.Limits())
	if cfg.Demo {
		if err := loadDemo(ctx, svc, env.Logger); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	hosts := server.NewHostPolicy(ln.Addr().String(), cfg.AllowedHosts)
	introspection := cfg.IntrospectionFor(hosts.Loopback)
	if !hosts.Loopback {
		env.Logger.Warn("listening beyond loopback: any client that reaches this address can use the API",
			slog.String("addr", ln.Addr().String()), slog.Bool("introspection", introspection),
			slog.String("allowed-hosts", cfg.Get("allowed-hosts")))
	}
	sample := cfg.AccessLogSample
	if sample == 0 {
		sample = -1 // none
	}
	h := server.New(server.Options{
		Service:          svc,
		Logger:           env.Logger,
		Web:              web.Handler(),
		Export:           export.Handler(svc, env.Logger),
		Metrics:          metrics,
		Hosts:            hosts,
		MaxBodyBytes:     cfg.MaxBodyBytes,
		MaxComplexity:    cfg.MaxComplexity,
		MaxDepth:         cfg.MaxDepth,
		MaxTokens:        cfg.MaxTokens,
		MaxAliases:       cfg.MaxAliases,
		MaxSelections:    cfg.MaxSelections,
		RequestTimeout:   cfg.RequestTimeout,
		WriteTimeout:     cfg.WriteTimeout,
		PersistedQueries: cfg.PersistedQueries,
		NoIntrospection:  !introspection,
		AccessLogSample:  sample,
	})
	return server.Run(ctx, ln, h, cfg.ShutdownTimeout, env.Logger)
}

// loadDemo ingests the demo dossier into an empty store; a store that holds
// anything is left alone.
func loadDemo(ctx context.Context, svc *kg.Service, logger *slog.Logger) error {
	counts, err := svc.Store().Counts(ctx)
	if err != nil {
		return err
	}
	if counts.Entities > 0 {
		logger.Info("demo not loaded: the store is not empty", slog.Int("entities", counts.Entities))
		return nil
	}
	res, err := dossier.Ingest(ctx, svc, examples.Demo())
	if err != nil {
		return fmt.Errorf("load demo dataset: %w", err)
	}
	logger.Info("demo dataset loaded", slog.String("dossier", examples.DemoFile), slog.String("article", res.Article),
		slog.Int("entities", res.Entities.Created), slog.Int("relationships", res.Relationships.Created))
	return nil
}

func attrsAny(attrs []slog.Attr) []any {
	out := make([]any, len(attrs))
	for i, a := range attrs {
		out[i] = a
	}
	return out
}
