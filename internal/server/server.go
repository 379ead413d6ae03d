// Package server is polgraph's HTTP front: /graphql (gqlgen with explicit
// transports, a query cache, complexity and depth limits, per-request
// dataloaders), a GraphiQL page at /graphiql served from assets vendored
// from npm and embedded in the binary, /healthz, and mount points for the
// web page (/) and exports (/export) that other packages provide. It also
// runs the http.Server with timeouts and a graceful shutdown.
package server

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/polgraph/polgraph/graph"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/vektah/gqlparser/v2/ast"
)

// Options configure the HTTP front. Zero values take the defaults below.
type Options struct {
	Service *kg.Service
	Logger  *slog.Logger
	// Web serves "/" (the web page); nil serves a short index page.
	Web http.Handler
	// Export serves "/export"; nil leaves it unmounted (404).
	Export http.Handler

	MaxBodyBytes   int64 // request body limit; default 8 MiB
	MaxComplexity  int   // GraphQL complexity limit; default 250000
	MaxDepth       int   // GraphQL depth limit; default 12
	QueryCacheSize int   // parsed-query LRU entries; default 1000
	// PersistedQueries enables automatic persisted queries (APQ).
	PersistedQueries bool
	// NoIntrospection disables schema introspection (and so GraphiQL).
	NoIntrospection bool
}

// Defaults.
const (
	DefaultMaxBodyBytes   = 8 << 20
	DefaultMaxComplexity  = 250000
	DefaultMaxDepth       = 12
	DefaultQueryCacheSize = 1000
)

func (o *Options) fill() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.MaxComplexity <= 0 {
		o.MaxComplexity = DefaultMaxComplexity
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.QueryCacheSize <= 0 {
		o.QueryCacheSize = DefaultQueryCacheSize
	}
}

// GraphQL returns the /graphql handler: gqlgen over the service, with
// per-request dataloaders.
func GraphQL(o Options) http.Handler {
	o.fill()
	r := &graph.Resolver{Service: o.Service, Logger: o.Logger}
	srv := handler.New(graph.NewExecutableSchema(r))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](o.QueryCacheSize))
	if !o.NoIntrospection {
		srv.Use(extension.Introspection{})
	}
	if o.PersistedQueries {
		srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](o.QueryCacheSize)})
	}
	srv.Use(extension.FixedComplexityLimit(o.MaxComplexity))
	srv.Use(graph.DepthLimit{Max: o.MaxDepth})
	srv.SetErrorPresenter(graph.ErrorPresenter(o.Logger))
	srv.SetRecoverFunc(graph.RecoverFunc(o.Logger))
	return graph.LoaderMiddleware(o.Service.Store(), srv)
}

//go:embed graphiql
var graphiqlFS embed.FS

// New returns the whole HTTP handler: routes, body limit and access log.
func New(o Options) http.Handler {
	o.fill()
	mux := http.NewServeMux()
	mux.Handle("/graphql", GraphQL(o))
	assets, _ := fs.Sub(graphiqlFS, "graphiql")
	mux.Handle("GET /graphiql/", http.StripPrefix("/graphiql/", http.FileServerFS(assets)))
	mux.HandleFunc("GET /graphiql", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, graphiqlFS, "graphiql/index.html")
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if _, err := o.Service.Store().Counts(ctx); err != nil {
			o.Logger.LogAttrs(ctx, slog.LevelWarn, "health check failed", slog.String("error", err.Error()))
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	if o.Export != nil {
		mux.Handle("/export", o.Export)
	}
	if o.Web != nil {
		mux.Handle("/", o.Web)
	} else {
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><title>polgraph</title><h1>polgraph</h1><p><a href="/graphiql">GraphiQL</a> · <a href="/graphql">/graphql</a></p>`)
		})
	}
	return accessLog(o.Logger, limitBody(o.MaxBodyBytes, mux))
}

func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			http.Error(w, fmt.Sprintf("request body larger than %d bytes", n), http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLogSample is how many successful requests one access-log line at
// info stands for: formatting a line per request costs about a tenth of
// the throughput of a cheap query. Errors (status 400 and up) are always
// logged, and at debug every request is.
const accessLogSample = 100

func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	var served atomic.Uint64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		n := served.Add(1)
		ctx := r.Context()
		level, sampled := slog.LevelInfo, int64(1)
		switch {
		case sw.status >= 500:
			level = slog.LevelWarn
		case sw.status >= 400:
		case logger.Enabled(ctx, slog.LevelDebug):
			level = slog.LevelDebug
		case n%accessLogSample == 1:
			sampled = accessLogSample
		default:
			return
		}
		if !logger.Enabled(ctx, level) {
			return
		}
		logger.LogAttrs(ctx, level, "http request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Int64("bytes", sw.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", r.RemoteAddr),
			slog.Int64("sampled", sampled),
		)
	})
}

// Run serves h on ln until ctx is done, then shuts down gracefully, giving
// requests in flight up to shutdownTimeout to finish. It returns nil after
// a clean shutdown.
func Run(ctx context.Context, ln net.Listener, h http.Handler, shutdownTimeout time.Duration, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("serving", slog.String("addr", ln.Addr().String()),
		slog.String("graphql", "http://"+ln.Addr().String()+"/graphql"),
		slog.String("graphiql", "http://"+ln.Addr().String()+"/graphiql"))
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", slog.Duration("timeout", shutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
