package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/polgraph/polgraph/internal/config"
	"github.com/polgraph/polgraph/internal/local"

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
			"request-timeout", "write-timeout", "export-timeout", "allowed-hosts", "persisted-queries", "introspection", "access-log-sample",
			"require-auth-for-reads", "allow-anonymous-writes", "llm-url", "llm-model"},
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
	keys, err := svc.ActiveKeys(ctx)
	if err != nil {
		return err
	}
	auth, err := accessPolicy(cfg, keys)
	if err != nil {
		return err
	}
	metrics := server.NewMetrics()
	x, err := env.extractor()
	if err != nil {
		return err
	}
	svc = kg.NewService(metrics.Store(store), svc.Limits()).WithExtractor(x)
	if cfg.Demo {
		if err := loadDemo(kg.WithPrincipal(ctx, kg.Principal{Name: kg.ActorDemo, Role: kg.RoleEditor, Authenticated: true}), svc, env.Logger); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	// On an embedded store, the command line goes through this server
	// while it holds the data directory (package local).
	if dir, ok := env.embeddedDir(); ok {
		if auth.LocalToken, err = local.NewToken(); err != nil {
			return err
		}
		if err := local.Write(dir, local.Server{URL: localURL(ln.Addr()), Token: auth.LocalToken, PID: os.Getpid()}); err != nil {
			ln.Close()
			return err
		}
		defer func() {
			if rerr := local.Remove(dir, auth.LocalToken); rerr != nil {
				env.Logger.Warn("could not remove the server file", slog.String("error", rerr.Error()))
			}
		}()
	}
	env.Logger.Info("access", slog.Bool("reads need a key", auth.ReadsNeedKey), slog.String("anonymous writes", anonymousNote(auth.AnonymousWrites)),
		slog.Int("active keys", keys))
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
		ExportTimeout:    cfg.ExportTimeout,
		PersistedQueries: cfg.PersistedQueries,
		NoIntrospection:  !introspection,
		AccessLogSample:  sample,
		Auth:             auth,
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

// accessPolicy decides who may read and write from the flags and the bind
// address. On a loopback bind, reads are open and anonymous writes are
// allowed while the store holds no key (so the demo works, and the first
// key closes the door). Beyond loopback, reads need a key and writes always
// do; with no key at all such a server would be either unwritable or
// writable by anyone, so it refuses to start unless told
// --allow-anonymous-writes.
func accessPolicy(cfg *config.Config, activeKeys int) (server.Auth, error) {
	loopback := isLoopback(cfg.Addr)
	a := server.Auth{ReadsNeedKey: !loopback}
	if cfg.RequireAuthForReads != nil {
		a.ReadsNeedKey = *cfg.RequireAuthForReads
	}
	allow := cfg.AllowAnonymousWrites
	switch {
	case allow != nil && *allow:
		a.AnonymousWrites = server.AnonymousWritesAlways
	case allow != nil:
		a.AnonymousWrites = server.AnonymousWritesNever
	case loopback:
		a.AnonymousWrites = server.AnonymousWritesWithoutKeys
	}
	if !loopback && activeKeys == 0 && a.AnonymousWrites != server.AnonymousWritesAlways {
		return a, fmt.Errorf("%w: refusing to serve on %s: that address is reachable from other machines, and the store holds no API key, "+
			"so nobody could be given the right to write. Create an admin key first (polgraph keys create --role admin --name NAME), "+
			"or pass --allow-anonymous-writes to let anyone who can reach the server write", ErrUsage, cfg.Addr)
	}
	return a, nil
}

// isLoopback reports whether addr (host:port) listens on loopback only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// localURL is the URL the command line reaches the listener at: a
// listener on every interface is reached on loopback.
func localURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String()
	}
	ip := tcp.IP
	if ip == nil || ip.IsUnspecified() {
		if ip.To4() == nil && ip != nil {
			ip = net.IPv6loopback
		} else {
			ip = net.IPv4(127, 0, 0, 1)
		}
	}
	return "http://" + net.JoinHostPort(ip.String(), strconv.Itoa(tcp.Port))
}

func anonymousNote(w server.AnonymousWrites) string {
	switch w {
	case server.AnonymousWritesAlways:
		return "allowed (--allow-anonymous-writes)"
	case server.AnonymousWritesWithoutKeys:
		return "allowed until the first API key is created (loopback bind)"
	}
	return "refused: writes need an editor key"
}

func attrsAny(attrs []slog.Attr) []any {
	out := make([]any, len(attrs))
	for i, a := range attrs {
		out[i] = a
	}
	return out
}
