package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/polgraph/polgraph/examples"
	"github.com/polgraph/polgraph/internal/dossier"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
	"github.com/polgraph/polgraph/internal/store/teststore"
)

// countingStore wraps the real embedded store and counts the calls that
// read entities and relationships, so tests can prove there is no N+1. It
// can also be told to fail Search with an error that must never reach a
// client.
type countingStore struct {
	kg.Store
	entities, relationships, lists atomic.Int64
	whole                          atomic.Int64 // Entities calls (with articles' text)
	failSearch                     error
	// searchHook, when set, runs in place of Search (to block, or to
	// watch the request's context).
	searchHook func(ctx context.Context) (kg.EntityPage, error)
}

func (s *countingStore) Entities(ctx context.Context, ids []string) (map[string]kg.Entity, error) {
	s.entities.Add(1)
	s.whole.Add(1)
	return s.Store.Entities(ctx, ids)
}

func (s *countingStore) EntityHeads(ctx context.Context, ids []string) (map[string]kg.Entity, error) {
	s.entities.Add(1)
	return s.Store.EntityHeads(ctx, ids)
}

func (s *countingStore) Relationships(ctx context.Context, ids []string) (map[string]kg.Relationship, error) {
	s.relationships.Add(1)
	return s.Store.Relationships(ctx, ids)
}

func (s *countingStore) ListRelationships(ctx context.Context, q kg.RelQuery) (kg.RelationshipPage, error) {
	s.lists.Add(1)
	return s.Store.ListRelationships(ctx, q)
}

func (s *countingStore) Search(ctx context.Context, q kg.SearchQuery) (kg.EntityPage, error) {
	if s.failSearch != nil {
		return kg.EntityPage{}, s.failSearch
	}
	if s.searchHook != nil {
		return s.searchHook(ctx)
	}
	return s.Store.Search(ctx, q)
}

func (s *countingStore) reset() {
	s.entities.Store(0)
	s.whole.Store(0)
	s.relationships.Store(0)
	s.lists.Store(0)
}

func (s *countingStore) reads() int64 {
	return s.entities.Load() + s.relationships.Load() + s.lists.Load()
}

// env is one test's server over a fresh embedded store.
type env struct {
	t       *testing.T
	store   *countingStore
	svc     *kg.Service
	handler http.Handler
	logs    *syncBuffer
	opts    server.Options
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// newEnv opens a fresh store (embedded, or Neo4j when NEO4J_URI is set), loads the demo dataset
// unless empty is set, and builds the HTTP handler.
func newEnv(t *testing.T, demo bool, tune ...func(*server.Options)) *env {
	t.Helper()
	st := teststore.Open(t)
	cs := &countingStore{Store: st}
	svc := kg.NewService(cs, kg.DefaultLimits)
	if demo {
		if _, err := dossier.Ingest(context.Background(), svc, examples.Demo()); err != nil {
			t.Fatalf("load demo: %v", err)
		}
	}
	logs := &syncBuffer{}
	o := server.Options{Service: svc, Logger: slog.New(slog.NewTextHandler(logs, nil)),
		Auth: server.Auth{AnonymousWrites: server.AnonymousWritesWithoutKeys}}
	for _, f := range tune {
		f(&o)
	}
	return &env{t: t, store: cs, svc: svc, handler: server.New(o), logs: logs, opts: o}
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (e gqlError) code() string { s, _ := e.Extensions["code"].(string); return s }

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// do posts a query to the handler in process.
func (e *env) do(query string, vars map[string]any) response {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return decode(e.t, rec.Body)
}

func decode(t *testing.T, r io.Reader) response {
	t.Helper()
	var resp response
	raw, _ := io.ReadAll(r)
	if err := json.Unmarshal(raw, &resp); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, raw)
	}
	return resp
}

// ok asserts no errors and decodes data into v.
func (e *env) ok(query string, vars map[string]any, v any) {
	e.t.Helper()
	resp := e.do(query, vars)
	if len(resp.Errors) > 0 {
		e.t.Fatalf("unexpected errors: %+v", resp.Errors)
	}
	if err := json.Unmarshal(resp.Data, v); err != nil {
		e.t.Fatalf("decode data: %v\n%s", err, resp.Data)
	}
}

// fails asserts exactly one error with the code, whose message contains
// every one of want.
func (e *env) fails(query string, vars map[string]any, code string, want ...string) gqlError {
	e.t.Helper()
	resp := e.do(query, vars)
	if len(resp.Errors) != 1 {
		e.t.Fatalf("want one %s error, got %+v (data %s)", code, resp.Errors, resp.Data)
	}
	got := resp.Errors[0]
	if got.code() != code {
		e.t.Errorf("code = %q, want %q (message %q)", got.code(), code, got.Message)
	}
	for _, w := range want {
		if !strings.Contains(got.Message, w) {
			e.t.Errorf("message %q does not contain %q", got.Message, w)
		}
	}
	return got
}

func (e *env) counts() kg.Counts {
	e.t.Helper()
	c, err := e.svc.Store().Counts(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

var errSecret = errors.New("bbolt: page 4711 corrupt at /secret/path/polgraph.db")

func io_Copy(w io.Writer, resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return io.Copy(w, resp.Body)
}
