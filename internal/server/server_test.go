package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
	"github.com/polgraph/polgraph/internal/store/teststore"
)

type fixture struct {
	t   testing.TB
	svc *kg.Service
	h   http.Handler
	m   *server.Metrics
}

func newFixture(t testing.TB, tune ...func(*server.Options)) *fixture {
	t.Helper()
	st := teststore.Open(t)
	m := server.NewMetrics()
	svc := kg.NewService(m.Store(st), kg.DefaultLimits)
	if _, err := svc.UpsertEntity(context.Background(), kg.Entity{ID: "han-dong", Kind: kg.Person, Name: "Han Dong"}); err != nil {
		t.Fatal(err)
	}
	// As serve on loopback: anonymous writes while the store holds no key.
	o := server.Options{Service: svc, Logger: slog.New(slog.DiscardHandler), Metrics: m,
		Hosts: server.NewHostPolicy("127.0.0.1:8080", nil), Auth: server.Auth{AnonymousWrites: server.AnonymousWritesWithoutKeys}}
	for _, f := range tune {
		f(&o)
	}
	return &fixture{t: t, svc: svc, h: server.New(o), m: m}
}

type reply struct {
	status int
	header http.Header
	body   []byte
	code   string // extensions.code of the first error
}

func (f *fixture) send(req *http.Request) reply {
	f.t.Helper()
	if req.Host == "example.com" { // httptest's default
		req.Host = "127.0.0.1:8080"
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	r := reply{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	var resp struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if json.Unmarshal(r.body, &resp) == nil && len(resp.Errors) > 0 {
		r.code, _ = resp.Errors[0].Extensions["code"].(string)
	}
	return r
}

func post(body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

func (f *fixture) entities() int {
	f.t.Helper()
	c, err := f.svc.Store().Counts(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return c.Entities
}

const mutation = `{"query":"mutation { upsertEntity(entity: {id: \"x\", kind: PERSON, name: \"X\"}) { id } }"}`

func TestHostGuard(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1:8080", true},
		{"localhost:8080", true},
		{"LOCALHOST", true},
		{"app.localhost:8080", true},
		{"127.0.0.5:8080", true},
		{"[::1]:8080", true},
		{"attacker.example", false},
		{"attacker.example:8080", false},
		{"127.0.0.1.attacker.example", false},
		{"10.0.0.7:8080", false},
		{"", false},
	} {
		req := post(`{"query":"{ stats { entities } }"}`)
		req.Host = tc.host
		if tc.host == "" {
			req.Host = " "
		}
		r := f.send(req)
		if tc.ok && r.status != http.StatusOK {
			t.Errorf("Host %q: status %d %s, want 200", tc.host, r.status, r.body)
		}
		if !tc.ok && (r.status != http.StatusMisdirectedRequest || r.code != server.CodeHostNotAllowed) {
			t.Errorf("Host %q: status %d code %q, want 421 HOST_NOT_ALLOWED", tc.host, r.status, r.code)
		}
	}
	// A mutation through a rebound name writes nothing.
	req := post(mutation)
	req.Host = "attacker.example"
	if r := f.send(req); r.code != server.CodeHostNotAllowed || f.entities() != 1 {
		t.Errorf("rebound mutation: %d %s, %d entities", r.status, r.body, f.entities())
	}

	// --allowed-hosts adds names; on a public bind without it, any Host.
	g := newFixture(t, func(o *server.Options) {
		o.Hosts = server.NewHostPolicy("127.0.0.1:8080", []string{"polgraph.example.org", ".newsroom.example"})
	})
	for host, want := range map[string]int{"polgraph.example.org": 200, "a.newsroom.example": 200, "newsroom.example": 200, "evil.example.org": 421} {
		req := post(`{"query":"{ stats { entities } }"}`)
		req.Host = host
		if r := g.send(req); r.status != want {
			t.Errorf("allowed-hosts, Host %q: %d, want %d", host, r.status, want)
		}
	}
	open := newFixture(t, func(o *server.Options) { o.Hosts = server.NewHostPolicy("0.0.0.0:8080", nil) })
	req = post(`{"query":"{ stats { entities } }"}`)
	req.Host = "polgraph.example.org"
	if r := open.send(req); r.status != 200 {
		t.Errorf("public bind: %d", r.status)
	}
}

func TestCrossSite(t *testing.T) {
	f := newFixture(t)
	// A page of another origin cannot write, even with a loopback Host.
	req := post(mutation)
	req.Header.Set("Origin", "http://attacker.example")
	if r := f.send(req); r.status != http.StatusForbidden || r.code != server.CodeOriginNotAllowed {
		t.Errorf("cross-site POST: %d %q", r.status, r.code)
	}
	req = post(mutation)
	req.Header.Set("Origin", "null")
	if r := f.send(req); r.code != server.CodeOriginNotAllowed {
		t.Errorf("Origin null: %d %q", r.status, r.code)
	}
	if f.entities() != 1 {
		t.Fatalf("a cross-site request wrote")
	}
	// The page itself (same origin) can.
	req = post(mutation)
	req.Header.Set("Origin", "http://127.0.0.1:8080")
	if r := f.send(req); r.status != 200 || r.code != "" || f.entities() != 2 {
		t.Errorf("same-origin POST: %d %s", r.status, r.body)
	}
	// CORS stays closed: a preflight gets no Access-Control-Allow-* header.
	req = httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", "http://attacker.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	r := f.send(req)
	for k := range r.header {
		if strings.HasPrefix(strings.ToLower(k), "access-control-") {
			t.Errorf("preflight answered with %s: %v", k, r.header[k])
		}
	}
	// A form post (text/plain, no preflight) is not a GraphQL request.
	req = httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(mutation))
	req.Header.Set("Content-Type", "text/plain")
	if r := f.send(req); r.status != http.StatusUnsupportedMediaType || r.code != server.CodeUnsupportedMedia {
		t.Errorf("text/plain POST: %d %q", r.status, r.code)
	}
}

func TestMutationsNeverOverGET(t *testing.T) {
	f := newFixture(t)
	req := httptest.NewRequest(http.MethodGet, "/graphql?query="+
		`mutation%7BupsertEntity(entity%3A%7Bid%3A%22x%22%2Ckind%3APERSON%2Cname%3A%22X%22%7D)%7Bid%7D%7D`, nil)
	r := f.send(req)
	if r.status != http.StatusMethodNotAllowed || r.code != server.CodeMethodNotAllowed {
		t.Errorf("GET mutation: %d %s", r.status, r.body)
	}
	if f.entities() != 1 {
		t.Errorf("a GET mutation wrote")
	}
	req = httptest.NewRequest(http.MethodGet, "/graphql?query=%7Bstats%7Bentities%7D%7D", nil)
	if r := f.send(req); r.status != 200 || !bytes.Contains(r.body, []byte(`"entities":1`)) {
		t.Errorf("GET query: %d %s", r.status, r.body)
	}
	req = httptest.NewRequest(http.MethodPut, "/graphql", strings.NewReader(mutation))
	if r := f.send(req); r.status != http.StatusMethodNotAllowed || r.code != server.CodeMethodNotAllowed {
		t.Errorf("PUT: %d %q", r.status, r.code)
	}
}

// chunked is a body of unknown length, sent with chunked encoding.
type chunked struct{ n, left int }

func (c *chunked) Read(p []byte) (int, error) {
	if c.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), c.left)
	for i := range p[:n] {
		p[i] = 'x'
	}
	c.left -= n
	return n, nil
}

func TestBodies(t *testing.T) {
	const limit = 1 << 20
	f := newFixture(t, func(o *server.Options) { o.MaxBodyBytes = limit })
	big := `{"query":"{ stats { entities } }","variables":{"pad":"` + strings.Repeat("x", 2*limit) + `"}}`

	// The same error shape for an announced and a chunked oversized body.
	announced := f.send(post(big))
	req := httptest.NewRequest(http.MethodPost, "/graphql", &chunked{left: 20 << 20})
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	streamed := f.send(req)
	for name, r := range map[string]reply{"announced": announced, "chunked": streamed} {
		if r.status != http.StatusRequestEntityTooLarge || r.code != server.CodeBodyTooLarge {
			t.Errorf("%s oversized body: %d %q %s", name, r.status, r.code, r.body)
		}
		if len(r.body) > 500 {
			t.Errorf("%s oversized body: %d bytes of error", name, len(r.body))
		}
	}
	if !bytes.Equal(announced.body, streamed.body) {
		t.Errorf("different shapes:\n%s\n%s", announced.body, streamed.body)
	}

	// A body that is not JSON is not echoed back.
	junk := strings.Repeat("<not json/>", 90000)
	r := f.send(post(junk))
	if r.status != http.StatusBadRequest || r.code != server.CodeBadRequest || len(r.body) > 500 || bytes.Contains(r.body, []byte("not json")) {
		t.Errorf("not JSON: %d %q, %d bytes: %.300s", r.status, r.code, len(r.body), r.body)
	}
	r = f.send(post(`{"query": 42}`))
	if r.code != server.CodeBadRequest || !bytes.Contains(r.body, []byte(`query`)) {
		t.Errorf("wrong type: %d %s", r.status, r.body)
	}
	r = f.send(post(``))
	if r.code != server.CodeBadRequest {
		t.Errorf("empty body: %d %s", r.status, r.body)
	}
}

func TestOperations(t *testing.T) {
	f := newFixture(t)
	for _, q := range []string{`{"query":"query Stats { stats { entities } }"}`, `{"query":"query Stats { stats { nope } }"}`, `{"query":"{ entity(id: \"\") { id } }"}`} {
		f.send(post(q))
	}
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		r := f.send(httptest.NewRequest(http.MethodGet, path, nil))
		if r.status != 200 || !strings.Contains(string(r.body), want) {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	r := f.send(httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if r.status != 200 {
		t.Fatalf("/metrics: %d", r.status)
	}
	text := string(r.body)
	for _, want := range []string{
		`polgraph_http_requests_total{handler="graphql",method="POST",status="200"}`,
		`polgraph_http_request_duration_seconds_bucket{handler="graphql"`,
		`polgraph_http_requests_in_flight`,
		`polgraph_graphql_operation_duration_seconds_bucket{operation="Stats",type="query"`,
		`polgraph_graphql_operations_total{operation="anonymous",type="query"} 1`,
		`polgraph_errors_total{code="GRAPHQL_VALIDATION_FAILED"} 1`,
		`polgraph_errors_total{code="BAD_USER_INPUT"} 1`,
		`polgraph_store_call_duration_seconds_bucket{method="Counts",outcome="ok"`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// Errors of the HTTP layer are counted by code too.
	req := post(`{}`)
	req.Host = "attacker.example"
	f.send(req)
	r = f.send(httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if !strings.Contains(string(r.body), `polgraph_errors_total{code="HOST_NOT_ALLOWED"} 1`) {
		t.Errorf("HOST_NOT_ALLOWED not counted")
	}
	// An unknown page answers in the same JSON shape.
	if r := f.send(httptest.NewRequest(http.MethodGet, "/nope", nil)); r.status != 404 || r.code != server.CodeNotFound {
		t.Errorf("/nope: %d %s", r.status, r.body)
	}
}
