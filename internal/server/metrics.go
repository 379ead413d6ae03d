package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the server's Prometheus metrics, served at /metrics:
//
//	polgraph_http_requests_total{handler,method,status}   requests answered
//	polgraph_http_request_duration_seconds{handler}       latency per route
//	polgraph_http_requests_in_flight                      requests being served
//	polgraph_graphql_operations_total{operation,type}     GraphQL operations run
//	polgraph_graphql_operation_duration_seconds{operation,type}
//	polgraph_errors_total{code}                           errors by extensions.code
//	polgraph_store_call_duration_seconds{method,outcome}  store calls
//
// plus the Go runtime and process collectors. Labels are bounded: handler,
// method, code and store method come from the server, and operation names
// are the first maxOperationNames distinct valid names seen, then "other".
type Metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	inflight  prometheus.Gauge
	ops       *prometheus.CounterVec
	opLatency *prometheus.HistogramVec
	errors    *prometheus.CounterVec
	store     *prometheus.HistogramVec

	mu    sync.Mutex
	names map[string]bool
}

const maxOperationNames = 200

// NewMetrics builds the metrics on their own registry.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	buckets := []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "polgraph_http_requests_total", Help: "HTTP requests answered, by route, method and status.",
		}, []string{"handler", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "polgraph_http_request_duration_seconds", Help: "HTTP request latency by route.", Buckets: buckets,
		}, []string{"handler"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "polgraph_http_requests_in_flight", Help: "HTTP requests being served.",
		}),
		ops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "polgraph_graphql_operations_total", Help: "GraphQL operations, by operation name and type.",
		}, []string{"operation", "type"}),
		opLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "polgraph_graphql_operation_duration_seconds", Help: "GraphQL operation latency, by operation name and type.", Buckets: buckets,
		}, []string{"operation", "type"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "polgraph_errors_total", Help: "Errors returned to clients, by extensions.code.",
		}, []string{"code"}),
		store: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "polgraph_store_call_duration_seconds", Help: "Store call latency, by method and outcome (ok, error, cancelled).", Buckets: buckets,
		}, []string{"method", "outcome"}),
		names: map[string]bool{},
	}
	reg.MustRegister(m.requests, m.latency, m.inflight, m.ops, m.opLatency, m.errors, m.store)
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is where the metrics are registered (for tests and extra collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Error counts one error returned to a client.
func (m *Metrics) Error(code string) {
	if m == nil {
		return
	}
	if code == "" {
		code = "NONE"
	}
	m.errors.WithLabelValues(code).Inc()
}

func (m *Metrics) operationName(oc *graphql.OperationContext) string {
	name := oc.OperationName
	if name == "" && oc.Operation != nil {
		name = oc.Operation.Name
	}
	if name == "" {
		return "anonymous"
	}
	if !validName(name) {
		return "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return name
	}
	if len(m.names) >= maxOperationNames {
		return "other"
	}
	m.names[name] = true
	return name
}

func validName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i, r := range s {
		if !(r == '_' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (i > 0 && r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// gqlMetrics is the gqlgen extension that times operations and counts the
// errors of every response.
type gqlMetrics struct{ m *Metrics }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = gqlMetrics{}

func (gqlMetrics) ExtensionName() string                   { return "Metrics" }
func (gqlMetrics) Validate(graphql.ExecutableSchema) error { return nil }

func (g gqlMetrics) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	resp := next(ctx)
	name, typ := "rejected", "none"
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation != nil {
			name, typ = g.m.operationName(oc), string(oc.Operation.Operation)
		}
	}
	g.m.ops.WithLabelValues(name, typ).Inc()
	g.m.opLatency.WithLabelValues(name, typ).Observe(time.Since(start).Seconds())
	if resp != nil {
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			g.m.Error(code)
		}
	}
	return resp
}

// instrument counts requests per route with their latency and status, and
// keeps the in-flight gauge.
func (m *Metrics) instrument(route string, next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	lat := m.latency.WithLabelValues(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inflight.Inc()
		defer m.inflight.Dec()
		next.ServeHTTP(w, r)
		status := http.StatusOK
		if sw, ok := w.(*statusWriter); ok && sw.status != 0 {
			status = sw.status
		}
		m.requests.WithLabelValues(route, methodLabel(r.Method), strconv.Itoa(status)).Inc()
		lat.Observe(time.Since(start).Seconds())
	})
}

func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodPatch:
		return m
	}
	return "other"
}

// countError records an HTTP-layer error's code on the response writer, so
// the metrics see it.
func countError(w http.ResponseWriter, code string) {
	if sw, ok := w.(*statusWriter); ok && sw.metrics != nil {
		sw.metrics.Error(code)
	}
}

// Store wraps a store so that every call is timed in
// polgraph_store_call_duration_seconds. Methods the wrapper does not know
// are passed through untimed.
func (m *Metrics) Store(s kg.Store) kg.Store {
	if m == nil {
		return s
	}
	return &timedStore{Store: s, m: m}
}

type timedStore struct {
	kg.Store
	m *Metrics
}

func (t *timedStore) observe(method string, start time.Time, err error) {
	outcome := "ok"
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		outcome = "cancelled"
	default:
		outcome = "error"
	}
	t.m.store.WithLabelValues(method, outcome).Observe(time.Since(start).Seconds())
}

func (t *timedStore) Apply(ctx context.Context, b kg.Batch) (err error) {
	defer func(start time.Time) { t.observe("Apply", start, err) }(time.Now())
	return t.Store.Apply(ctx, b)
}

func (t *timedStore) Entities(ctx context.Context, ids []string) (m map[string]kg.Entity, err error) {
	defer func(start time.Time) { t.observe("Entities", start, err) }(time.Now())
	return t.Store.Entities(ctx, ids)
}

func (t *timedStore) Relationships(ctx context.Context, ids []string) (m map[string]kg.Relationship, err error) {
	defer func(start time.Time) { t.observe("Relationships", start, err) }(time.Now())
	return t.Store.Relationships(ctx, ids)
}

func (t *timedStore) FindEntities(ctx context.Context, q kg.Match) (ids []string, err error) {
	defer func(start time.Time) { t.observe("FindEntities", start, err) }(time.Now())
	return t.Store.FindEntities(ctx, q)
}

func (t *timedStore) Search(ctx context.Context, q kg.SearchQuery) (p kg.EntityPage, err error) {
	defer func(start time.Time) { t.observe("Search", start, err) }(time.Now())
	return t.Store.Search(ctx, q)
}

func (t *timedStore) ListEntities(ctx context.Context, q kg.ListQuery) (p kg.EntityPage, err error) {
	defer func(start time.Time) { t.observe("ListEntities", start, err) }(time.Now())
	return t.Store.ListEntities(ctx, q)
}

func (t *timedStore) ListRelationships(ctx context.Context, q kg.RelQuery) (p kg.RelationshipPage, err error) {
	defer func(start time.Time) { t.observe("ListRelationships", start, err) }(time.Now())
	return t.Store.ListRelationships(ctx, q)
}

func (t *timedStore) Network(ctx context.Context, q kg.NetworkQuery) (g kg.Subgraph, err error) {
	defer func(start time.Time) { t.observe("Network", start, err) }(time.Now())
	return t.Store.Network(ctx, q)
}

func (t *timedStore) Paths(ctx context.Context, q kg.PathQuery) (p []kg.Path, err error) {
	defer func(start time.Time) { t.observe("Paths", start, err) }(time.Now())
	return t.Store.Paths(ctx, q)
}

func (t *timedStore) Counts(ctx context.Context) (c kg.Counts, err error) {
	defer func(start time.Time) { t.observe("Counts", start, err) }(time.Now())
	return t.Store.Counts(ctx)
}

// Ping passes a readiness probe through to the store (see ping).
func (t *timedStore) Ping(ctx context.Context) (err error) {
	defer func(start time.Time) { t.observe("Ping", start, err) }(time.Now())
	return ping(ctx, t.Store)
}
