package neo4j

// Tests against a real Neo4j 5, gated on NEO4J_URI (testtool.Neo4jURI).
// Start the test server and run them with
//
//	eval "$(tools/neo4j-test-server/run)"
//	go test ./internal/store/neo4j/
//
// Every test empties the database first: point NEO4J_URI at a test server.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/storetest"
	"github.com/polgraph/polgraph/internal/testtool"
)

func serverConfig(t *testing.T) Config {
	t.Helper()
	uri := testtool.Neo4jURI(t)
	cfg, err := ConfigFromEnv(uri, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// emptyStore opens the configured server and deletes everything in it.
func emptyStore(t *testing.T, cfg Config) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.DeleteAll(ctx); err != nil {
		s.Close()
		t.Fatalf("DeleteAll: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	cfg := serverConfig(t)
	storetest.Run(t, func(t *testing.T) kg.Store { return emptyStore(t, cfg) }, storetest.Config{ExactTruncation: true})
}

func TestMigrateIsIdempotent(t *testing.T) {
	cfg := serverConfig(t)
	s := emptyStore(t, cfg)
	defer s.Close()
	for i := 0; i < 2; i++ {
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatalf("Migrate #%d: %v", i+1, err)
		}
	}
}

// TestHostileStrings sends quotes, backticks, Cypher fragments and unicode
// through every argument and checks that exactly the intended data is
// stored and nothing else is touched.
func TestHostileStrings(t *testing.T) {
	cfg := serverConfig(t)
	s := emptyStore(t, cfg)
	defer s.Close()
	ctx := context.Background()

	sentinel := kg.Batch{
		Entities: []kg.Entity{
			{ID: "sentinel-p", Kind: kg.Person, Name: "Sentinel Person"},
			{ID: "sentinel-o", Kind: kg.Organization, Name: "Sentinel Org"},
			{ID: "sentinel-a", Kind: kg.Article, Name: "Sentinel", Title: "Sentinel"},
		},
		Relationships: []kg.Relationship{{ID: "sentinel-r", Type: kg.MemberOf, From: "sentinel-p", To: "sentinel-o",
			Evidence: []kg.Evidence{{Article: "sentinel-a", Quote: "q", Confidence: 1}}}},
	}
	if err := s.Apply(ctx, sentinel); err != nil {
		t.Fatal(err)
	}
	before := dump(t, s)

	var b kg.Batch
	for i, h := range hostile {
		p := kg.Entity{ID: fmt.Sprintf("h-p%d-%s", i, h), Kind: kg.Person, Name: "Name " + h, Aliases: []string{h + " alias"}, Description: h,
			Identifiers: []kg.Identifier{{Scheme: h, Value: h}}}
		a := kg.Entity{ID: fmt.Sprintf("h-a%d-%s", i, h), Kind: kg.Article, Name: h, Title: h, Text: h}
		b.Entities = append(b.Entities, p, a)
		b.Relationships = append(b.Relationships, kg.Relationship{
			ID: fmt.Sprintf("h-r%d-%s", i, h), Type: kg.MemberOf, From: p.ID, To: "sentinel-o", Role: h,
			Evidence: []kg.Evidence{{Article: a.ID, Quote: h, Confidence: 0.5}},
		})
	}
	if err := s.Apply(ctx, b); err != nil {
		t.Fatalf("Apply hostile batch: %v", err)
	}
	for _, h := range hostile {
		if _, err := s.Entities(ctx, []string{h}); err != nil {
			t.Errorf("Entities(%q): %v", h, err)
		}
		if _, err := s.Relationships(ctx, []string{h}); err != nil {
			t.Errorf("Relationships(%q): %v", h, err)
		}
		if _, err := s.FindEntities(ctx, kg.Match{Kind: kg.Person, Names: []string{h}, Identifiers: []kg.Identifier{{Scheme: h, Value: h}}}); err != nil {
			t.Errorf("FindEntities(%q): %v", h, err)
		}
		if _, err := s.Search(ctx, kg.SearchQuery{Text: h, First: 5}); err != nil {
			t.Errorf("Search(%q): %v", h, err)
		}
		if _, err := s.Search(ctx, kg.SearchQuery{Text: "name", First: 5, After: h}); err != nil && kg.KindOf(err) != kg.KindInvalid {
			t.Errorf("Search after %q: %v", h, err)
		}
		if _, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.Person, First: 5, After: kg.EncodeCursor(h)}); err != nil {
			t.Errorf("ListEntities after %q: %v", h, err)
		}
		if _, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.Person, First: 5, Link: &kg.Link{Type: kg.MemberOf, Entity: h, Direction: kg.Out}}); kg.KindOf(err) != kg.KindNotFound {
			t.Errorf("ListEntities linked to %q = %v, want not found", h, err)
		}
		if _, err := s.ListRelationships(ctx, kg.RelQuery{Entity: h, Source: h, Direction: kg.Both, First: 5, After: kg.EncodeCursor(h)}); kg.KindOf(err) != kg.KindNotFound {
			t.Errorf("ListRelationships(%q) = %v, want not found", h, err)
		}
		if _, err := s.Network(ctx, kg.NetworkQuery{Seeds: []string{h}, Depth: 1}); kg.KindOf(err) != kg.KindNotFound {
			t.Errorf("Network(%q) = %v, want not found", h, err)
		}
		if _, err := s.Paths(ctx, kg.PathQuery{From: h, To: "sentinel-o", MaxLength: 3, First: 1}); kg.KindOf(err) != kg.KindNotFound {
			t.Errorf("Paths(%q) = %v, want not found", h, err)
		}
	}
	// What was written reads back exactly.
	want := map[string]kg.Entity{}
	for _, e := range b.Entities {
		want[e.ID] = e
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	got, err := s.Entities(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hostile entities (-want +got):\n%s", diff)
	}
	// Nothing else changed: the sentinel data is intact, and the store
	// holds exactly the sentinel plus the batch.
	after := dump(t, s)
	for id, e := range before.entities {
		if diff := cmp.Diff(e, after.entities[id]); diff != "" {
			t.Errorf("sentinel %s changed (-before +after):\n%s", id, diff)
		}
	}
	if diff := cmp.Diff(before.rels["sentinel-r"], after.rels["sentinel-r"]); diff != "" {
		t.Errorf("sentinel relationship changed (-before +after):\n%s", diff)
	}
	if len(after.entities) != len(before.entities)+len(b.Entities) || len(after.rels) != len(before.rels)+len(b.Relationships) {
		t.Errorf("store holds %d entities and %d relationships, want %d and %d",
			len(after.entities), len(after.rels), len(before.entities)+len(b.Entities), len(before.rels)+len(b.Relationships))
	}
}

type contents struct {
	entities map[string]kg.Entity
	rels     map[string]kg.Relationship
}

func dump(t *testing.T, s kg.Store) contents {
	t.Helper()
	c := contents{entities: map[string]kg.Entity{}, rels: map[string]kg.Relationship{}}
	ctx := context.Background()
	if err := s.ScanEntities(ctx, func(e kg.Entity) error { c.entities[e.ID] = e; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.ScanRelationships(ctx, func(r kg.Relationship) error { c.rels[r.ID] = r; return nil }); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestApplyMissingEndWritesNothing: a relationship to a missing entity fails
// the whole batch, naming the id.
func TestApplyMissingEndWritesNothing(t *testing.T) {
	cfg := serverConfig(t)
	s := emptyStore(t, cfg)
	defer s.Close()
	ctx := context.Background()
	err := s.Apply(ctx, kg.Batch{
		Entities:      []kg.Entity{{ID: "p", Kind: kg.Person, Name: "P"}},
		Relationships: []kg.Relationship{{ID: "r", Type: kg.MemberOf, From: "p", To: "o-missing"}},
	})
	var kerr *kg.Error
	if !errors.As(err, &kerr) || kerr.Kind != kg.KindNotFound || kerr.ID != "o-missing" {
		t.Fatalf("Apply = %v, want not found naming o-missing", err)
	}
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Entities != 0 || c.Relationships != 0 {
		t.Errorf("a failed Apply left %d entities and %d relationships", c.Entities, c.Relationships)
	}
}

// TestUnavailableMidRequest puts a TCP proxy between the store and the
// server (bolt://, direct, so the driver does not route around it), cuts it
// during a large Apply and checks: the error is KindUnavailable, the batch
// is all or nothing, and the same store works again once the proxy is back.
func TestUnavailableMidRequest(t *testing.T) {
	cfg := serverConfig(t)
	empty := emptyStore(t, cfg)
	empty.Close()

	target, err := url.Parse(cfg.URI)
	if err != nil {
		t.Fatal(err)
	}
	host := target.Host
	if target.Port() == "" {
		host = net.JoinHostPort(target.Hostname(), "7687")
	}
	px := startProxy(t, host)
	defer px.stop()
	pcfg := cfg
	pcfg.URI = "bolt://" + px.addr
	pcfg.QueryTimeout = 5 * time.Second
	pcfg.ConnectTimeout = 5 * time.Second
	s, err := Open(context.Background(), pcfg)
	if err != nil {
		t.Fatalf("Open through the proxy: %v", err)
	}
	defer s.Close()

	var b kg.Batch
	const n = 20000
	for i := 0; i < n; i++ {
		b.Entities = append(b.Entities, kg.Entity{ID: fmt.Sprintf("bulk-%05d", i), Kind: kg.Person, Name: fmt.Sprintf("Person %d", i)})
	}
	done := make(chan error, 1)
	go func() { done <- s.Apply(context.Background(), b) }()
	time.Sleep(50 * time.Millisecond)
	px.cut()
	err = <-done
	if err != nil && kg.KindOf(err) != kg.KindUnavailable {
		t.Errorf("Apply cut off = %v (kind %v), want unavailable", err, kg.KindOf(err))
	}
	if _, err := s.Counts(context.Background()); kg.KindOf(err) != kg.KindUnavailable {
		t.Errorf("Counts while cut off = %v, want unavailable", err)
	}

	px.restore(t)
	var c kg.Counts
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err = s.Counts(context.Background())
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("the store did not recover once the server was back: %v", err)
	}
	if c.Entities != 0 && c.Entities != n {
		t.Errorf("after a cut Apply the store holds %d of %d entities: a partial write", c.Entities, n)
	}
}

// proxy forwards TCP connections to a target, and can drop them all.
type proxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{target: target, addr: ln.Addr().String()}
	p.serve(ln)
	return p
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) restore(t *testing.T) {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("proxy: listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

func (p *proxy) stop() { p.cut() }
