package neo4j

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/polgraph/polgraph/internal/kg"
)

var hostile = []string{
	`'`, `"`, "`", `\`, `}) DETACH DELETE n //`, "MEMBER_OF]->() DETACH DELETE n //",
	"x` DETACH DELETE n //", `$ids`, "Zoë Ø 汉东 🙂", "a\x00b", `*:* OR name:*`,
}

func sampleEntities() []kg.Entity {
	d := kg.MustDate
	return []kg.Entity{
		{ID: "p-1", Kind: kg.Person, Name: "Han Dong", Aliases: []string{"Dong Han", "韩东"}, Description: `he said "hi"`,
			Identifiers: []kg.Identifier{{Scheme: "wikidata", Value: "Q1"}, {Scheme: "isni", Value: "0000"}}, BirthDate: d("1977-10"),
			DeathDate: d("2070"), Gender: "male", Attributes: []kg.Attribute{{Name: "image", Value: "https://example.org/p.jpg"}},
			Sources: []kg.Source{{Dataset: "ds-1", Record: "person/1", File: "ep.json", Imported: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)}, {Dataset: "ds-1", Record: "person/2"}}},
		{ID: "o-1", Kind: kg.Organization, Name: "BBC", Classification: kg.MediaOutlet},
		{ID: "c-1", Kind: kg.Country, Name: "Canada", CountryCode: "CA"},
		{ID: "a-1", Kind: kg.Article, Name: "Story", Title: "Story", URL: "https://example.org/x", Outlet: "o-1", Published: d("2023-02-24"), Text: "text"},
		{ID: "al-1", Kind: kg.Allegation, Name: "Claim", Summary: "s", Status: kg.Denied},
		{ID: "e-1", Kind: kg.Event, Name: "Meeting", Date: d("2021"), EventType: "meeting"},
		{ID: "s-1", Kind: kg.Statement, Name: "Said", Quote: "q", Speaker: "p-1", Date: d("2023-03-22")},
		{ID: "ds-1", Kind: kg.Dataset, Name: "EveryPolitician", URL: "https://everypolitician.org", Publisher: "mySociety", Licence: "CC0", Retrieved: d("2026-01-02")},
	}
}

func TestEntityRoundTrip(t *testing.T) {
	for _, e := range sampleEntities() {
		t.Run(string(e.Kind), func(t *testing.T) {
			n := dbtype.Node{ElementId: "4:x:1", Labels: []string{labelEntity, e.Kind.Label()}, Props: entityProps(e)}
			got, err := entityFromNode(n)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(e, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEntityFromNodeRejectsWrongTypes(t *testing.T) {
	cases := map[string]map[string]any{
		"id not a string":      {"id": int64(1), "kind": "PERSON", "name": "x"},
		"aliases not strings":  {"id": "x", "kind": "PERSON", "name": "x", "aliases": []any{int64(1)}},
		"unknown kind":         {"id": "x", "kind": "ROBOT", "name": "x"},
		"bad date":             {"id": "x", "kind": "PERSON", "name": "x", "birth_date": "1977-13"},
		"identifiers unpaired": {"id": "x", "kind": "PERSON", "name": "x", "ident_schemes": []any{"a"}},
	}
	for name, props := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := entityFromNode(dbtype.Node{Props: props}); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestRelationshipRoundTrip(t *testing.T) {
	r := kg.Relationship{
		ID: "r-1", Type: kg.MemberOf, From: "p-1", To: "o-1", Role: "MP",
		Since: kg.MustDate("2019-10"), Until: kg.MustDate("2023-03-22"),
		Evidence: []kg.Evidence{{Article: "a-1", Quote: "q1", Confidence: 0.9}, {Article: "a-1", Quote: "q2", Confidence: 1}, {Article: "a-2", Confidence: 0.5}},
	}
	props := relProps(r)
	for key, want := range map[string]any{"since_lo": int64(20191001), "until_hi": int64(20230322), "sources": int64(2)} {
		if props[key] != want {
			t.Errorf("%s = %v, want %v", key, props[key], want)
		}
	}
	rec := &neo4j.Record{
		Keys:   []string{"src", "r", "dst"},
		Values: []any{"p-1", dbtype.Relationship{ElementId: "5:x:1", Type: "MEMBER_OF", Props: props}, "o-1"},
	}
	got, err := relationshipFromRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// Dataset evidence beside an article's, attributes, the flag.
	r.Evidence = append(r.Evidence, kg.Evidence{Dataset: "ds-1", Record: "m/1", File: "ep.json", Confidence: 1, Imported: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)})
	r.Attributes = []kg.Attribute{{Name: "area", Value: "Ottawa"}}
	r.Unsupported = true
	props = relProps(r)
	if props["sources"] != int64(3) {
		t.Errorf("sources = %v, want 3 (two articles, a dataset)", props["sources"])
	}
	rec.Values[1] = dbtype.Relationship{ElementId: "5:x:1", Type: "MEMBER_OF", Props: props}
	if got, err = relationshipFromRecord(rec); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Errorf("round trip with dataset evidence (-want +got):\n%s", diff)
	}

	open := relProps(kg.Relationship{ID: "r-2", Type: kg.Leads, From: "a", To: "b"})
	if open["since_lo"] != int64(0) || open["until_hi"] != int64(99991231) {
		t.Errorf("unknown dates give since_lo %v until_hi %v, want 0 and 99991231", open["since_lo"], open["until_hi"])
	}
	bad := &neo4j.Record{Keys: []string{"src", "r", "dst"}, Values: []any{"a", dbtype.Relationship{Type: "DETACH_DELETE", Props: open}, "b"}}
	if _, err := relationshipFromRecord(bad); err == nil {
		t.Error("a relationship type outside the vocabulary was accepted")
	}
	wrong := &neo4j.Record{Keys: []string{"src", "r", "dst"}, Values: []any{int64(1), dbtype.Relationship{Type: "LEADS", Props: open}, "b"}}
	if _, err := relationshipFromRecord(wrong); err == nil {
		t.Error("a non-string src was accepted")
	}
}

// asOfBounds and the stored ordinals must agree with kg.ValidDuring.
func TestAsOfMatchesValidDuring(t *testing.T) {
	dates := []string{"", "2018", "2019", "2019-10", "2019-10-21", "2021-06", "2023", "2023-03-22", "2024"}
	for _, s := range dates {
		for _, u := range dates {
			since, until := kg.MustDate(s), kg.MustDate(u)
			if !since.IsZero() && !until.IsZero() && since.Lo() > until.Hi() {
				continue
			}
			p := relProps(kg.Relationship{ID: "r", Since: since, Until: until})
			for _, a := range dates {
				at := kg.MustDate(a)
				lo, hi := asOfBounds(at)
				got := p["since_lo"].(int64) <= hi && p["until_hi"].(int64) >= lo
				if want := kg.ValidDuring(since, until, at); got != want {
					t.Errorf("since %q until %q asOf %q: statement keeps %v, ValidDuring %v", s, u, a, got, want)
				}
			}
		}
	}
}

func TestEntityKeys(t *testing.T) {
	e := sampleEntities()[0]
	want := []string{"id\x00wikidata\x00Q1", "id\x00isni\x000000", "name\x00PERSON\x00han dong", "name\x00PERSON\x00dong han", "name\x00PERSON\x00韩东"}
	if diff := cmp.Diff(want, entityKeys(e)); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	m := kg.Match{Kind: kg.Person, Identifiers: []kg.Identifier{{Scheme: "wikidata", Value: "Q1"}}, Names: []string{"HAN  DONG", "Hán Dong"}}
	if diff := cmp.Diff([]string{"id\x00wikidata\x00Q1", "name\x00PERSON\x00han dong"}, matchKeys(m)); diff != "" {
		t.Errorf("match keys (-want +got):\n%s", diff)
	}
}

func TestPlanEntitiesGroupsByKind(t *testing.T) {
	es := sampleEntities()
	es = append(es, kg.Entity{ID: "p-2", Kind: kg.Person, Name: "Other"})
	steps, err := planEntities(es)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != len(kg.Kinds) {
		t.Fatalf("%d steps, want one per kind", len(steps))
	}
	if steps[0].statement != prefixUpsertEntities+"Person" || len(steps[0].rows) != 2 {
		t.Errorf("first step %s with %d rows, want Person with 2", steps[0].statement, len(steps[0].rows))
	}
	row := steps[0].rows[1].(map[string]any)
	if row["id"] != "p-2" {
		t.Errorf("row order lost: %v", row["id"])
	}
	if _, err := planEntities([]kg.Entity{{ID: "x", Kind: "Person:Admin"}}); err == nil {
		t.Error("a kind outside the vocabulary reached a label")
	}
}

func TestAssertRows(t *testing.T) {
	ev := func(a, q string) kg.Evidence { return kg.Evidence{Article: a, Quote: q, Confidence: 1} }
	r := kg.Relationship{ID: "r1", Type: kg.Leads, From: "p", To: "o", Evidence: []kg.Evidence{ev("a1", "q"), ev("a2", ""), ev("a1", "other")}}
	rows := assertRows(r)
	if len(rows) != 2 {
		t.Errorf("%d ASSERTS rows, want one per distinct article", len(rows))
	}
}

func TestAllowList(t *testing.T) {
	for _, h := range hostile {
		if _, err := relPattern([]kg.RelType{kg.RelType(h)}); err == nil {
			t.Errorf("relPattern accepted %q", h)
		}
		if _, err := relPattern([]kg.RelType{kg.MemberOf, kg.RelType(h)}); err == nil {
			t.Errorf("relPattern accepted %q after a valid type", h)
		}
		if _, err := kindLabel(kg.Kind(h)); err == nil {
			t.Errorf("kindLabel accepted %q", h)
		}
	}
	if p, err := relPattern([]kg.RelType{kg.MemberOf, kg.Leads}); err != nil || p != "MEMBER_OF|LEADS" {
		t.Errorf("relPattern = %q, %v", p, err)
	}
	// Hostile types are refused before a statement is chosen or a session
	// opened: this Store has no driver, so reaching the server would panic.
	s := &Store{}
	ctx := context.Background()
	bad := []kg.RelType{kg.RelType("MEMBER_OF]->() DETACH DELETE n //")}
	calls := map[string]func() error{
		"Network": func() error {
			_, err := s.Network(ctx, kg.NetworkQuery{Seeds: []string{"x"}, Depth: 1, Types: bad})
			return err
		},
		"Paths": func() error {
			_, err := s.Paths(ctx, kg.PathQuery{From: "x", To: "y", MaxLength: 2, Types: bad})
			return err
		},
		"ListRelationships": func() error {
			_, err := s.ListRelationships(ctx, kg.RelQuery{Entity: "x", Types: bad, First: 1})
			return err
		},
		"ListEntities": func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.Person, Link: &kg.Link{Type: bad[0], Entity: "x", Direction: kg.Out}, First: 1})
			return err
		},
		"ListEntities kind": func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: "Person) DETACH DELETE n //", First: 1})
			return err
		},
		"Paths too long": func() error {
			_, err := s.Paths(ctx, kg.PathQuery{From: "x", To: "y", MaxLength: MaxPathLength + 1})
			return err
		},
	}
	for name, call := range calls {
		if err := call(); kg.KindOf(err) != kg.KindInvalid {
			t.Errorf("%s with a hostile argument: %v, want invalid", name, err)
		}
	}
}

func TestRegistry(t *testing.T) {
	if len(registry) < 100 {
		t.Fatalf("registry holds %d statements; the per-type and per-kind statements are missing", len(registry))
	}
	for _, typ := range kg.RelTypes {
		for _, prefix := range []string{prefixCreateRels, prefixUpdateRels, prefixLockRels, prefixScanRels} {
			if _, ok := registry[prefix+string(typ)]; !ok {
				t.Errorf("no statement %s%s", prefix, typ)
			}
		}
	}
	for _, k := range kg.Kinds {
		if _, ok := registry[prefixUpsertEntities+k.Label()]; !ok {
			t.Errorf("no upsert statement for %s", k)
		}
	}
	for n := 1; n <= MaxPathLength; n++ {
		st := registry[fmt.Sprintf("%s%d", prefixPaths, n)]
		if !strings.Contains(st.Text, fmt.Sprintf("*1..%d]", n)) {
			t.Errorf("paths statement %d does not bound the length to %d:\n%s", n, n, st.Text)
		}
	}
	for name, st := range registry {
		// Traversals and listings name the vocabulary's types, so that the
		// internal HAS_KEY and ASSERTS links are never followed.
		if strings.Contains(st.Text, "]-(") && strings.Contains(st.Text, "-[r]-") {
			t.Errorf("%s follows untyped relationships", name)
		}
		if strings.Contains(st.Text, "CALL {") {
			t.Errorf("%s uses a CALL subquery without a scope clause (deprecated)", name)
		}
	}
}

func TestCheckParams(t *testing.T) {
	st := registry[stEntitiesByID]
	if diff := cmp.Diff([]string{"ids"}, st.Params); diff != "" {
		t.Errorf("declared params (-want +got):\n%s", diff)
	}
	if err := checkParams(st, map[string]any{"ids": []any{}}); err != nil {
		t.Error(err)
	}
	for _, p := range []map[string]any{nil, {"ids": nil, "extra": 1}, {"id": nil}} {
		if err := checkParams(st, p); err == nil {
			t.Errorf("params %v accepted", p)
		}
	}
	st = registry[stRelsOfEntityPage]
	want := []string{"after", "at_hi", "at_lo", "direction", "entity", "limit", "min_sources", "source", "types", "unsupported"}
	if diff := cmp.Diff(want, st.Params); diff != "" {
		t.Errorf("declared params (-want +got):\n%s", diff)
	}
	if _, err := run(context.Background(), nil, "MATCH (n) DETACH DELETE n", nil); err == nil || !strings.Contains(err.Error(), "no statement") {
		t.Errorf("run accepted text that is not a registered name: %v", err)
	}
}

func TestMigrations(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range migrations {
		st, ok := registry[name]
		if !ok {
			t.Fatalf("migration %s not registered", name)
		}
		if !strings.Contains(st.Text, "IF NOT EXISTS") && !strings.Contains(st.Text, "IF EXISTS") {
			t.Errorf("%s is not idempotent: %s", name, st.Text)
		}
		if len(st.Params) != 0 {
			t.Errorf("%s takes parameters %v", name, st.Params)
		}
		if seen[st.Text] {
			t.Errorf("%s repeats another migration", name)
		}
		seen[st.Text] = true
	}
}

func TestMapError(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want kg.ErrorKind
	}{
		{"connectivity", &neo4j.ConnectivityError{Inner: errors.New("connection refused")}, kg.KindUnavailable},
		{"wrapped connectivity", fmt.Errorf("x: %w", &neo4j.ConnectivityError{Inner: errors.New("reset")}), kg.KindUnavailable},
		{"retries exhausted", &neo4j.TransactionExecutionLimit{Cause: "timeout", Errors: []error{errors.New("x")}}, kg.KindUnavailable},
		{"transient", &neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected"}, kg.KindUnavailable},
		{"leader switch", &neo4j.Neo4jError{Code: "Neo.ClientError.Cluster.NotALeader"}, kg.KindUnavailable},
		{"database unavailable", &neo4j.Neo4jError{Code: "Neo.ClientError.General.DatabaseUnavailable"}, kg.KindUnavailable},
		{"syntax error", &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}, kg.KindInternal},
		{"constraint", &neo4j.Neo4jError{Code: "Neo.ClientError.Schema.ConstraintValidationFailed"}, kg.KindConflict},
		{"deadline", fmt.Errorf("read: %w", context.DeadlineExceeded), kg.KindUnavailable},
		{"canceled", context.Canceled, kg.KindUnavailable},
		{"usage", &neo4j.UsageError{Message: "bad"}, kg.KindInternal},
		{"domain error kept", kg.NotFound("apply", "p-x"), kg.KindNotFound},
		{"other", errors.New("boom"), kg.KindInternal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := mapError("op", c.err)
			if kg.KindOf(got) != c.want {
				t.Errorf("kind %v, want %v (%v)", kg.KindOf(got), c.want, got)
			}
			if !errors.Is(got, c.err) {
				t.Errorf("the cause is not wrapped: %v", got)
			}
		})
	}
	if !isAuthError(&neo4j.Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"}) {
		t.Error("Unauthorized is not an auth error")
	}
	if !isAuthError(&neo4j.ConnectivityError{Inner: &neo4j.Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"}}) {
		t.Error("an auth failure inside a connectivity error is not seen")
	}
	if isAuthError(&neo4j.ConnectivityError{Inner: errors.New("refused")}) {
		t.Error("a connectivity error counts as an auth error (it would not be retried)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ctxCause(ctx, &neo4j.ConnectivityError{Inner: errors.New("closed")}); !errors.Is(err, context.Canceled) {
		t.Errorf("ctxCause = %v, want it to wrap context.Canceled", err)
	}
}

func TestParseURI(t *testing.T) {
	cases := []struct {
		in      string
		want    Config
		wantErr bool
	}{
		{in: "neo4j://localhost:7687", want: Config{URI: "neo4j://localhost:7687"}},
		{in: "neo4j+s://abc.databases.neo4j.io", want: Config{URI: "neo4j+s://abc.databases.neo4j.io"}},
		{in: "bolt://neo4j:s3cret@db:7687/graph", want: Config{URI: "bolt://db:7687", User: "neo4j", Password: "s3cret", Database: "graph"}},
		{in: "neo4j://u@h:7687?policy=eu", want: Config{URI: "neo4j://h:7687?policy=eu", User: "u"}},
		{in: "http://localhost:7474", wantErr: true},
		{in: "neo4j://", wantErr: true},
		{in: "neo4j://h/a/b", wantErr: true},
		{in: "/var/lib/polgraph", wantErr: true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseURI(c.in)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if err != nil {
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("error shows the password: %v", err)
				}
				return
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if got := redact("bolt://neo4j:s3cret@db:7687"); strings.Contains(got, "s3cret") {
		t.Errorf("redact left the password: %s", got)
	}
	env := map[string]string{"NEO4J_USER": "neo4j", "NEO4J_PASSWORD": "pw", "NEO4J_DATABASE": "g"}
	c, err := ConfigFromEnv("neo4j://db:7687", func(k string) string { return env[k] })
	if err != nil || c.User != "neo4j" || c.Password != "pw" || c.Database != "g" {
		t.Errorf("ConfigFromEnv = %+v, %v", c, err)
	}
	c, err = ConfigFromEnv("neo4j://me:mine@db:7687", func(k string) string { return env[k] })
	if err != nil || c.User != "me" || c.Password != "mine" {
		t.Errorf("URI credentials must win over the environment: %+v, %v", c, err)
	}
}

func TestLuceneQuery(t *testing.T) {
	cases := map[string]string{
		"Trudaeu":                "+(trudaeu^4 OR trudaeu*^2 OR trudaeu~1)",
		"Tredeauss":              "+(tredeauss^4 OR tredeauss*^2 OR tredeauss~2)",
		"han DONG":               "+(han^4 OR han*^2) +(dong^4 OR dong*^2 OR dong~1)",
		"Zoë":                    "+(zoe^4 OR zoe*^2)",
		"xi":                     "+(xi^4 OR xi*^2)",
		`"}) DETACH DELETE n //`: "+(detach^4 OR detach*^2 OR detach~1) +(delete^4 OR delete*^2 OR delete~1) +(n^4 OR n*^2)",
		`*:* OR name:*`:          "+(or^4 OR or*^2) +(name^4 OR name*^2 OR name~1)",
		"!!!":                    "",
	}
	for in, want := range cases {
		if got := luceneQuery(in); got != want {
			t.Errorf("luceneQuery(%q) = %q, want %q", in, got, want)
		}
	}
	if got := escapeLucene(`a+b-c&&d||e!(f){g}[h]^"i"~j*k?l:m\n/o p`); got != `a\+b\-c\&\&d\|\|e\!\(f\)\{g\}\[h\]\^\"i\"\~j\*k\?l\:m\\n\/o\ p` {
		t.Errorf("escapeLucene = %s", got)
	}
}

// TestOpenUnreachable: a server that is not there is retried for the
// connect timeout, then reported naming the URI and the cause.
func TestOpenUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	cfg := Config{URI: "bolt://" + addr, User: "neo4j", Password: "s3cret", ConnectTimeout: 1500 * time.Millisecond}
	start := time.Now()
	_, err = Open(context.Background(), cfg)
	if kg.KindOf(err) != kg.KindUnavailable {
		t.Fatalf("Open = %v, want unavailable", err)
	}
	msg := err.Error()
	for _, want := range []string{"bolt://" + addr, "attempts", "refused"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "s3cret") {
		t.Errorf("message shows the password: %s", msg)
	}
	if time.Since(start) < 500*time.Millisecond {
		t.Errorf("Open gave up after %v without retrying", time.Since(start))
	}
}
