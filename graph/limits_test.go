package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/polgraph/polgraph/graph"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
)

// aliases builds "{ a0: FIELD a1: FIELD ... }" with n aliases.
func aliases(n int, field string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, field)
	}
	b.WriteString(" }")
	return b.String()
}

func words(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = string(rune('a' + i%26))
	}
	return strings.Join(w, " ")
}

const fullTypeFragment = `
fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name args { name type { kind name ofType { kind name } } } type { kind name ofType { kind name } } } }`

// TestHostileDocuments sends the documents of issue 8 that used to occupy
// the server for seconds or minutes, and checks that each is rejected with
// its code before it runs: nothing reaches the store.
func TestHostileDocuments(t *testing.T) {
	e := newEnv(t, true)
	chain := func(n int) string { // fragments that double at every level
		var b strings.Builder
		b.WriteString("{ ...F0 }")
		for i := range n {
			fmt.Fprintf(&b, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
		}
		fmt.Fprintf(&b, " fragment F%d on Query { __typename }", n)
		return b.String()
	}
	nested := func(n int) string {
		return "{ entity(id: \"han-dong\") { ... on Person { name } } search(query: \"x\", kinds: " +
			strings.Repeat("[", n) + strings.Repeat("]", n) + ") { totalCount } }"
	}
	tests := []struct {
		name, query string
		vars        map[string]any
		code        string
	}{
		{"100,000 aliases of __typename", aliases(100000, "__typename"), nil, graph.CodeAliasLimit},
		{"400 aliases of __schema", aliases(400, "__schema { types { ...FullType } }") + fullTypeFragment, nil, graph.CodeAliasLimit},
		{"200 aliases of a 100-word search", aliases(200, fmt.Sprintf("search(query: %q) { totalCount }", words(100))), nil, graph.CodeAliasLimit},
		{"50 aliases of a 100-word search", aliases(50, fmt.Sprintf("search(query: %q) { totalCount }", words(100))), nil, graph.CodeSearchWordsLimit},
		{"a 100-word search in a variable", `query($q: String!) { search(query: $q) { totalCount } }`, map[string]any{"q": words(100)}, graph.CodeSearchWordsLimit},
		{"40 aliases of a 10-word search", aliases(40, fmt.Sprintf("search(query: %q) { totalCount }", words(10))), nil, graph.CodeComplexityLimit},
		{"two __schema", `{ a: __schema { queryType { name } } b: __schema { queryType { name } } }`, nil, graph.CodeIntrospectionLimit},
		{"__schema and __type", `{ __schema { queryType { name } } __type(name: "Person") { name } }`, nil, graph.CodeIntrospectionLimit},
		{"3,000 __typename without aliases", "{" + strings.Repeat(" __typename", 3000) + " }", nil, graph.CodeSelectionLimit},
		{"fragments doubling 30 times", chain(30), nil, graph.CodeSelectionLimit},
		{"__typename nested 20 deep", `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } } } } } }`, nil, graph.CodeDepthLimit},
		{"20,000 tokens", `{ network(seeds: [` + strings.Repeat(`"han-dong" `, 20000) + `]) { truncated } }`, nil, graph.CodeTokenLimit},
		{"a list value nested 100,000 deep", nested(100000), nil, graph.CodeDepthLimit},
		{"300 fragment spreads", "{ entity(id: \"x\") { " + strings.Repeat("...E ", 300) + "} } fragment E on Entity { id }", nil, graph.CodeFragmentLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			e.store.reset()
			got := e.fails(tt.query, tt.vars, tt.code)
			if got.Message == "" {
				t.Errorf("no message: %+v", got)
			}
			if n := e.store.reads(); n != 0 {
				t.Errorf("a rejected document reached the store %d times", n)
			}
		})
	}
	// The same over GET.
	t.Run("GET", func(t *testing.T) {
		e.t = t
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(aliases(100000, "__typename")), nil)
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		r := decode(t, rec.Body)
		if len(r.Errors) != 1 || r.Errors[0].code() != graph.CodeAliasLimit {
			t.Errorf("GET: %+v", r.Errors)
		}
	})
}

// TestLimitsLetRealQueriesThrough: GraphiQL's own introspection query, the
// web page's network query and the README's paths pass the defaults.
func TestLimitsLetRealQueriesThrough(t *testing.T) {
	e := newEnv(t, true)
	intro, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Schema struct{ Types []struct{ Name string } } `json:"__schema"`
	}
	e.ok(string(intro), nil, &schema)
	if len(schema.Schema.Types) < 20 {
		t.Errorf("introspection returned %d types", len(schema.Schema.Types))
	}
	var sg struct {
		Network struct{ Nodes []struct{ ID string } }
	}
	e.ok(`query Network($seeds: [ID!]!) { network(seeds: $seeds, depth: 2, limit: 500) { __typename truncated
	  nodes { __typename ...E } edges { __typename id type from { id } to { id } evidence { quote confidence article { id title url published } } } } }
	  fragment E on Entity { id kind name aliases description identifiers { scheme value } ... on Person { birthDate } ... on Article { title url published } }`,
		map[string]any{"seeds": []string{"han-dong"}}, &sg)
	if len(sg.Network.Nodes) < 5 {
		t.Errorf("network: %+v", sg)
	}
	var s struct{ Search struct{ TotalCount int } }
	e.ok(`{ search(query: "Consulate General of the People's Republic of China in Toronto") { totalCount } }`, nil, &s)
	// Ninety aliases is within the limits.
	var many map[string]any
	e.ok(aliases(90, `entity(id: "han-dong") { name }`), nil, &many)
}

func TestIntrospectionDisabled(t *testing.T) {
	e := newEnv(t, true, func(o *server.Options) { o.NoIntrospection = true })
	e.fails(`{ __schema { queryType { name } } }`, nil, graph.CodeIntrospectionOff)
	e.fails(`{ __type(name: "Person") { name } }`, nil, graph.CodeIntrospectionOff)
	var got struct {
		Entity struct {
			Typename string `json:"__typename"`
		}
	}
	e.ok(`{ entity(id: "han-dong") { __typename } }`, nil, &got)
	if got.Entity.Typename != "Person" {
		t.Errorf("__typename = %q", got.Entity.Typename)
	}
}

// TestRequestTimeout: a request whose store call does not finish in time
// is stopped, answered with one TIMEOUT error, and not logged as a store
// failure.
func TestRequestTimeout(t *testing.T) {
	e := newEnv(t, true, func(o *server.Options) { o.RequestTimeout = 50 * time.Millisecond })
	sawDone := make(chan error, 10)
	e.store.searchHook = func(ctx context.Context) (kg.EntityPage, error) {
		<-ctx.Done() // a store call that only stops when told to
		sawDone <- ctx.Err()
		return kg.EntityPage{}, kg.Unavailable("search", ctx.Err())
	}
	resp := e.do(`{ a: search(query: "dong") { totalCount } b: search(query: "han") { totalCount } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].code() != graph.CodeTimeout || string(resp.Data) != "null" && len(resp.Data) != 0 {
		t.Fatalf("want one TIMEOUT error and no data, got %s %+v", resp.Data, resp.Errors)
	}
	if err := <-sawDone; err != context.DeadlineExceeded {
		t.Errorf("the store saw %v, want the deadline", err)
	}
	if logs := e.logs.String(); strings.Contains(logs, "store unavailable") || strings.Contains(logs, "internal error") {
		t.Errorf("a timeout was logged as a failure:\n%s", logs)
	}
}

// TestClientDisconnectStopsWork: when the client goes away mid-query the
// store call's context is cancelled, so the work stops, and nothing is
// logged as a store failure.
func TestClientDisconnectStopsWork(t *testing.T) {
	e := newEnv(t, true, func(o *server.Options) { o.RequestTimeout = time.Minute })
	started := make(chan struct{})
	stopped := make(chan error, 1)
	e.store.searchHook = func(ctx context.Context) (kg.EntityPage, error) {
		close(started)
		<-ctx.Done()
		stopped <- context.Cause(ctx)
		return kg.EntityPage{}, kg.Unavailable("search", ctx.Err())
	}
	srv := httptest.NewServer(e.handler)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	body, _ := json.Marshal(map[string]any{"query": `{ search(query: "dong") { totalCount } }`})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-started
	cancel() // the client gives up
	if err := <-errc; err == nil {
		t.Fatal("the request completed although the client cancelled it")
	}
	select {
	case cause := <-stopped:
		if cause != context.Canceled {
			t.Errorf("the store's context ended with %v, want context.Canceled", cause)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the store call was never cancelled after the client went away")
	}
	srv.Close() // wait for the handler to return before reading the log
	if logs := e.logs.String(); strings.Contains(logs, "store unavailable") || strings.Contains(logs, "level=ERROR") {
		t.Errorf("a client disconnect was logged as a failure:\n%s", logs)
	}
}
