// Package server is polgraph's HTTP front: /graphql (gqlgen with its own
// POST and GET transports, a query cache, a document budget checked before
// parsing, complexity and depth limits, an execution deadline, per-request
// dataloaders), a GraphiQL page at /graphiql served from assets vendored
// from npm and embedded in the binary, /healthz, /readyz, /metrics, and
// mount points for the web page (/) and exports (/export) that other
// packages provide, the audit log as JSON lines (/audit), and who may do
// what (auth.go: API keys sent as Bearer tokens, roles checked before any
// GraphQL operation runs). In front of every route: the Host guard against
// DNS rebinding and cross-site writes, the body limit, the key check,
// metrics and a sampled access log. It also runs the http.Server with
// timeouts and a graceful shutdown.
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
	// Metrics are served at /metrics and fed by every route; nil makes a
	// fresh set. Wrap the service's store with Metrics.Store to time store
	// calls too.
	Metrics *Metrics

	// Hosts decides which Host headers are answered (DNS-rebinding
	// defence); the zero policy answers any. NewHostPolicy builds it from
	// the listen address.
	Hosts HostPolicy

	MaxBodyBytes   int64 // request body limit; default 8 MiB
	MaxComplexity  int   // GraphQL complexity limit; default 250000
	MaxDepth       int   // GraphQL depth limit; default 15
	MaxTokens      int   // tokens per GraphQL document; default 15000
	MaxAliases     int   // aliased fields per operation; default 100
	MaxSelections  int   // fields per operation, fragments expanded; default 2000
	QueryCacheSize int   // parsed-query LRU entries; default 1000
	// RequestTimeout bounds the execution of one GraphQL query; default
	// 5s. A request that runs out of time answers one TIMEOUT error.
	RequestTimeout time.Duration
	// WriteTimeout bounds the execution of one mutation; default 60s.
	WriteTimeout time.Duration
	// ExportTimeout bounds one export (/export, /audit): its context is
	// cancelled then, as it is when the client goes away, and a stream
	// already started breaks off (the polgraph format's missing end line
	// tells); default 100s, under Run's two-minute write timeout.
	ExportTimeout time.Duration
	// PersistedQueries enables automatic persisted queries (APQ).
	PersistedQueries bool
	// NoIntrospection disables schema introspection (and so GraphiQL).
	NoIntrospection bool
	// Auth decides who may read and write; the zero value lets anonymous
	// requests read and never write.
	Auth Auth
	// AccessLogSample is the share of ordinary requests (status below 400,
	// faster than a second) logged at info: 1 logs every one, 0.01 one in
	// a hundred, 0 (the default) takes DefaultAccessLogSample. Errors and
	// slow requests are always logged. Negative logs none of them.
	AccessLogSample float64
}

// Defaults.
const (
	DefaultMaxBodyBytes    = 8 << 20
	DefaultMaxComplexity   = 250000
	DefaultMaxDepth        = 15 // GraphiQL's introspection query nests 15 fields deep
	DefaultQueryCacheSize  = 1000
	DefaultRequestTimeout  = 5 * time.Second
	DefaultWriteTimeout    = 60 * time.Second
	DefaultExportTimeout   = 100 * time.Second
	DefaultAccessLogSample = 0.01
)

func (o *Options) fill() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
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
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.ExportTimeout <= 0 {
		o.ExportTimeout = DefaultExportTimeout
	}
	if o.AccessLogSample == 0 {
		o.AccessLogSample = DefaultAccessLogSample
	}
}

// GraphQL returns the /graphql handler: gqlgen over the service, behind
// the document budget, complexity and depth limits, an execution deadline,
// with per-request dataloaders.
func GraphQL(o Options) http.Handler {
	o.fill()
	r := &graph.Resolver{Service: o.Service, Logger: o.Logger}
	srv := handler.New(graph.NewExecutableSchema(r))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(getTransport{})
	srv.AddTransport(postTransport{maxBody: o.MaxBodyBytes})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](o.QueryCacheSize))
	srv.SetParserTokenLimit(max(o.MaxTokens, graph.DefaultMaxTokens) + 1)
	if o.PersistedQueries {
		// Before the budget, which then reads the query APQ filled in.
		srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](o.QueryCacheSize)})
	}
	srv.Use(graph.NewDocumentBudget(graph.DocumentLimits{
		MaxTokens:     o.MaxTokens,
		MaxAliases:    o.MaxAliases,
		MaxSelections: o.MaxSelections,
		MaxDepth:      o.MaxDepth,
		Introspection: !o.NoIntrospection,
		CacheSize:     o.QueryCacheSize,
	}))
	if !o.NoIntrospection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(&graph.CostLimit{Max: o.MaxComplexity, MaxSearchWords: o.Service.Limits().MaxSearchWords})
	srv.Use(graph.DepthLimit{Max: o.MaxDepth})
	srv.Use(gqlMetrics{m: o.Metrics})
	srv.AroundResponses(graph.Deadlines{Query: o.RequestTimeout, Mutation: o.WriteTimeout}.Around)
	present := graph.ErrorPresenter(o.Logger)
	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(graph.RecoverFunc(o.Logger))
	a := o.authenticator()
	srv.AroundOperations(a.aroundOperations(present))
	return graphqlEntry(a.middleware(graph.LoaderMiddleware(o.Service.Store(), srv)))
}

func (o *Options) authenticator() *authenticator {
	return &authenticator{svc: o.Service, auth: o.Auth, log: o.Logger}
}

//go:embed graphiql
var graphiqlFS embed.FS

// New returns the whole HTTP handler: routes, the Host guard, body limit,
// metrics and access log.
func New(o Options) http.Handler {
	o.fill()
	m := o.Metrics
	mux := http.NewServeMux()
	mux.Handle("/graphql", m.instrument("graphql", GraphQL(o)))
	assets, _ := fs.Sub(graphiqlFS, "graphiql")
	mux.Handle("GET /graphiql/", m.instrument("graphiql", http.StripPrefix("/graphiql/", http.FileServerFS(assets))))
	mux.Handle("GET /graphiql", m.instrument("graphiql", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, graphiqlFS, "graphiql/index.html")
	})))
	mux.Handle("GET /healthz", m.instrument("healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
	})))
	mux.Handle("GET /readyz", m.instrument("readyz", readyz(o.Service.Store(), o.Logger)))
	mux.Handle("GET /metrics", m.instrument("metrics", m.Handler()))
	if o.Export != nil {
		mux.Handle("/export", m.instrument("export", withDeadline(o.ExportTimeout, o.Export)))
	}
	a := o.authenticator()
	mux.Handle("GET /audit", m.instrument("audit", withDeadline(o.ExportTimeout, auditExport(o.Service, a))))
	mux.Handle("GET /local/proof", m.instrument("local", localProof(o.Auth.LocalToken)))
	if o.Web != nil {
		mux.Handle("/", m.instrument("web", o.Web))
	} else {
		mux.Handle("GET /{$}", m.instrument("web", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><title>polgraph</title><h1>polgraph</h1><p><a href="/graphiql">GraphiQL</a> · <a href="/graphql">/graphql</a></p>`)
		})))
	}
	return accessLog(o.Logger, o.AccessLogSample, m, guardHosts(o.Hosts, limitBody(o.MaxBodyBytes, a.middleware(notFoundJSON(mux)))))
}

// readyz answers 200 when the store answers a cheap call within two
// seconds, 503 otherwise.
func readyz(store kg.Store, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Cache-Control", "no-store")
		if err := ping(ctx, store); err != nil {
			logger.LogAttrs(ctx, slog.LevelWarn, "readiness check failed", slog.String("error", err.Error()))
			writeError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "the store is unavailable")
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ready")
	})
}

// ping checks that a store answers: with its Ping method when it has one,
// else with Counts.
func ping(ctx context.Context, s kg.Store) error {
	if p, ok := s.(interface{ Ping(context.Context) error }); ok {
		return p.Ping(ctx)
	}
	_, err := s.Counts(ctx)
	return err
}

// notFoundJSON keeps the mux's plain-text 404 and 405 for the page routes
// but answers them in the JSON error shape.
func notFoundJSON(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern == "" {
			rec := &probeWriter{header: http.Header{}}
			h.ServeHTTP(rec, r)
			switch rec.status {
			case http.StatusMethodNotAllowed:
				if a := rec.header.Get("Allow"); a != "" {
					w.Header().Set("Allow", a)
				}
				writeError(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "method "+r.Method+" is not allowed here")
			default:
				writeError(w, http.StatusNotFound, CodeNotFound, "no such page")
			}
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// probeWriter captures what the mux's own error handler would write.
type probeWriter struct {
	header http.Header
	status int
}

func (p *probeWriter) Header() http.Header         { return p.header }
func (p *probeWriter) Write(b []byte) (int, error) { return len(b), nil }
func (p *probeWriter) WriteHeader(code int)        { p.status = code }

// limitBody refuses bodies over n bytes with 413 BODY_TOO_LARGE: at once
// when Content-Length says so, and when a chunked body reaches the limit
// (the reader then fails with *http.MaxBytesError, which the GraphQL
// transport answers the same way).
func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			tooLarge(w, n)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status  int
	bytes   int64
	metrics *Metrics
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

// Flush lets streamed responses (exports) reach the client as they are written.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// accessLog logs requests at info: every error (status 400 and above) and
// every request slower than a second, and a sample of the others (share
// sample), so that the log costs little under load. A sampled line carries
// sampled=N, the number of requests it stands for.
func accessLog(logger *slog.Logger, sample float64, m *Metrics, next http.Handler) http.Handler {
	every := uint64(1)
	switch {
	case sample < 0:
		every = 0
	case sample > 0 && sample < 1:
		every = uint64(1/sample + 0.5)
	}
	var n atomic.Uint64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, metrics: m}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		ordinary := sw.status < 400 && d < time.Second
		if ordinary && (every == 0 || n.Add(1)%every != 0) {
			return
		}
		if !logger.Enabled(r.Context(), slog.LevelInfo) {
			return
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Int64("bytes", sw.bytes),
			slog.Duration("duration", d),
			slog.String("remote", r.RemoteAddr),
		}
		if ordinary && every > 1 {
			attrs = append(attrs, slog.Uint64("sampled", every))
		}
		logger.LogAttrs(r.Context(), slog.LevelInfo, "http request", attrs...)
	})
}

// withDeadline gives each request's context a deadline d from now (the
// request's context is also cancelled when the client goes away).
func withDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
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
