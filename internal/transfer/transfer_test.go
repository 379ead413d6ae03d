package transfer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/embedded"
	"github.com/polgraph/polgraph/internal/store/neo4j/neo4jtest"
	"github.com/polgraph/polgraph/internal/store/storetest"
)

func openEmbedded(t *testing.T) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// generated is a graph with every kind, partial dates, roles and evidence
// from several articles, on top of the conformance fixture.
func generated(seed uint64) []kg.Batch {
	r := rand.New(rand.NewPCG(seed, 1))
	var b kg.Batch
	const people, orgs, countries, articles = 400, 40, 10, 60
	for i := 0; i < orgs; i++ {
		class := kg.Party
		if i%5 == 0 {
			class = kg.MediaOutlet
		}
		b.Entities = append(b.Entities, kg.Entity{ID: fmt.Sprintf("gen-o%03d", i), Kind: kg.Organization, Name: fmt.Sprintf("Organisation %d", i), Classification: class})
	}
	for i := 0; i < countries; i++ {
		b.Entities = append(b.Entities, kg.Entity{ID: fmt.Sprintf("gen-c%02d", i), Kind: kg.Country, Name: fmt.Sprintf("Country %d", i), CountryCode: fmt.Sprintf("Q%c", 'A'+i)})
	}
	for i := 0; i < articles; i++ {
		b.Entities = append(b.Entities, kg.Entity{ID: fmt.Sprintf("gen-a%03d", i), Kind: kg.Article, Name: fmt.Sprintf("Article %d", i), Title: fmt.Sprintf("Article %d", i),
			URL: fmt.Sprintf("https://example.org/%d", i), Published: kg.Date{Year: 2000 + i%24, Month: 1 + i%12}})
	}
	for i := 0; i < people; i++ {
		e := kg.Entity{ID: fmt.Sprintf("gen-p%04d", i), Kind: kg.Person, Name: fmt.Sprintf("Person Number %d", i), Aliases: []string{fmt.Sprintf("P. %d", i)},
			Identifiers: []kg.Identifier{{Scheme: "wikidata", Value: fmt.Sprintf("Q%d", 1000+i)}}}
		if i%3 == 0 {
			e.BirthDate = kg.Date{Year: 1950 + i%50}
		}
		b.Entities = append(b.Entities, e)
	}
	evidence := func() []kg.Evidence {
		var ev []kg.Evidence
		for j := 0; j < 1+r.IntN(3); j++ {
			ev = append(ev, kg.Evidence{Article: fmt.Sprintf("gen-a%03d", r.IntN(articles)), Quote: fmt.Sprintf("quote %d", r.IntN(5)), Confidence: float64(r.IntN(10)) / 10})
		}
		return kg.MergeEvidence(nil, ev)
	}
	for i := 0; i < people; i++ {
		p := fmt.Sprintf("gen-p%04d", i)
		for j := 0; j < 1+r.IntN(4); j++ {
			rel := kg.Relationship{Type: kg.MemberOf, From: p, To: fmt.Sprintf("gen-o%03d", r.IntN(orgs)), Role: []string{"", "member", "MP"}[r.IntN(3)], Evidence: evidence()}
			if r.IntN(2) == 0 {
				rel.Since = kg.Date{Year: 1990 + r.IntN(20), Month: r.IntN(13)}
				rel.Until = kg.Date{Year: 2015 + r.IntN(9)}
			}
			rel.Normalize()
			b.Relationships = append(b.Relationships, rel)
		}
		rel := kg.Relationship{Type: kg.CitizenOf, From: p, To: fmt.Sprintf("gen-c%02d", r.IntN(countries))}
		rel.Normalize()
		b.Relationships = append(b.Relationships, rel)
		rel = kg.Relationship{Type: kg.Mentions, From: fmt.Sprintf("gen-a%03d", r.IntN(articles)), To: p, Evidence: evidence()}
		rel.Normalize()
		b.Relationships = append(b.Relationships, rel)
	}
	return []kg.Batch{storetest.Fixture(), b}
}

type contents struct {
	Entities      []kg.Entity
	Relationships []kg.Relationship
}

func dump(t *testing.T, s kg.Store) contents {
	t.Helper()
	var c contents
	ctx := context.Background()
	if err := s.ScanEntities(ctx, func(e kg.Entity) error { c.Entities = append(c.Entities, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.ScanRelationships(ctx, func(r kg.Relationship) error { c.Relationships = append(c.Relationships, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCopyRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := openEmbedded(t)
	for _, b := range generated(7) {
		if err := src.Apply(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	want := dump(t, src)
	if len(want.Entities) < 500 || len(want.Relationships) < 1000 {
		t.Fatalf("generated graph too small: %d entities, %d relationships", len(want.Entities), len(want.Relationships))
	}

	dst := openEmbedded(t)
	var seen []Progress
	opts := Options{BatchSize: 97, Progress: func(p Progress) { seen = append(seen, p) }}
	st, err := Copy(ctx, src, dst, opts)
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	if st.Entities != len(want.Entities) || st.Relationships != len(want.Relationships) {
		t.Errorf("Copy wrote %d entities and %d relationships, want %d and %d", st.Entities, st.Relationships, len(want.Entities), len(want.Relationships))
	}
	if diff := cmp.Diff(want, dump(t, dst)); diff != "" {
		t.Fatalf("copy differs from the source (-source +copy):\n%s", diff)
	}
	if diff := cmp.Diff(st.Source, st.Target); diff != "" {
		t.Errorf("counts differ (-source +target):\n%s", diff)
	}
	checkProgress(t, seen, st)

	// Again: nothing changes, and the count check still passes.
	st2, err := Copy(ctx, src, dst, Options{BatchSize: 500})
	if err != nil {
		t.Fatalf("second Copy: %v", err)
	}
	if diff := cmp.Diff(want, dump(t, dst)); diff != "" {
		t.Fatalf("a second copy changed the target (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(st.Target, st2.Target); diff != "" {
		t.Errorf("counts after the second copy (-first +second):\n%s", diff)
	}

	// And back: the copy copied is the source again.
	back := openEmbedded(t)
	if _, err := Copy(ctx, dst, back, Options{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, dump(t, back)); diff != "" {
		t.Fatalf("round trip differs (-source +round trip):\n%s", diff)
	}
}

func checkProgress(t *testing.T, seen []Progress, st Stats) {
	t.Helper()
	last := map[string]int{}
	for _, p := range seen {
		if p.Done <= last[p.Phase] || p.Done > p.Total {
			t.Errorf("progress %+v after %d", p, last[p.Phase])
		}
		last[p.Phase] = p.Done
	}
	if last["entities"] != st.Source.Entities || last["relationships"] != st.Source.Relationships {
		t.Errorf("progress ended at %v, want %d entities and %d relationships", last, st.Source.Entities, st.Source.Relationships)
	}
}

func TestCopyRefusesKindChange(t *testing.T) {
	ctx := context.Background()
	src, dst := openEmbedded(t), openEmbedded(t)
	if err := src.Apply(ctx, kg.Batch{Entities: []kg.Entity{{ID: "x", Kind: kg.Person, Name: "X"}}}); err != nil {
		t.Fatal(err)
	}
	if err := dst.Apply(ctx, kg.Batch{Entities: []kg.Entity{{ID: "x", Kind: kg.Country, Name: "X", CountryCode: "XX"}}}); err != nil {
		t.Fatal(err)
	}
	_, err := Copy(ctx, src, dst, Options{})
	if kg.KindOf(err) != kg.KindConflict {
		t.Fatalf("Copy over an entity of another kind = %v, want conflict", err)
	}
	m, err := dst.Entities(ctx, []string{"x"})
	if err != nil || m["x"].Kind != kg.Country {
		t.Errorf("the target's entity changed: %+v, %v", m["x"], err)
	}
}

func TestCheckCounts(t *testing.T) {
	c := func(e, r int) kg.Counts {
		return kg.Counts{Entities: e, Relationships: r, ByKind: map[kg.Kind]int{kg.Person: e}}
	}
	cases := []struct {
		name    string
		st      Stats
		wantErr bool
	}{
		{"empty target, equal", Stats{Source: c(5, 3), Target: c(5, 3)}, false},
		{"empty target, missing relationship", Stats{Source: c(5, 3), Target: c(5, 2)}, true},
		{"empty target, extra entity", Stats{Source: c(5, 3), Target: c(6, 3)}, true},
		{"target held more", Stats{Source: c(5, 3), TargetBefore: c(2, 1), Target: c(7, 4)}, false},
		{"target short of the source", Stats{Source: c(5, 3), TargetBefore: c(2, 1), Target: c(4, 4)}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := checkCounts("copy", tc.st); (err != nil) != tc.wantErr {
				t.Errorf("checkCounts = %v, want error %v", err, tc.wantErr)
			}
		})
	}
}

// TestCopyEmbeddedToNeo4j runs the same copy into Neo4j and back when
// NEO4J_URI is set.
func TestCopyEmbeddedToNeo4j(t *testing.T) {
	ctx := context.Background()
	graph := neo4jtest.Open(t)
	src := openEmbedded(t)
	for _, b := range generated(11) {
		if err := src.Apply(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	want := dump(t, src)
	for i := 0; i < 2; i++ {
		if _, err := Copy(ctx, src, graph, Options{BatchSize: 250}); err != nil {
			t.Fatalf("copy #%d into Neo4j: %v", i+1, err)
		}
	}
	if diff := cmp.Diff(want, dump(t, graph)); diff != "" {
		t.Fatalf("Neo4j holds (-source +neo4j):\n%s", diff)
	}
	back := openEmbedded(t)
	if _, err := Copy(ctx, graph, back, Options{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, dump(t, back)); diff != "" {
		t.Fatalf("round trip through Neo4j (-source +back):\n%s", diff)
	}
}

// TestCopyKeysAndAuditThroughNeo4j: keys and the audit log go from the
// embedded store to Neo4j and back exactly as they were.
func TestCopyKeysAndAuditThroughNeo4j(t *testing.T) {
	ctx := context.Background()
	graph := neo4jtest.Open(t)
	src := openEmbedded(t)
	for i, b := range generated(5) {
		b.Audit = &kg.AuditMeta{Actor: "alice", Op: fmt.Sprintf("write%d", i)}
		if err := src.Apply(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	_, hash, err := kg.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	key := kg.APIKey{Name: "alice", Role: kg.RoleEditor, Hash: hash, Created: time.Now().UTC().Truncate(time.Millisecond), CreatedBy: "cli"}
	if err := src.CreateKey(ctx, key, kg.AuditMeta{Actor: "cli", Op: "createKey"}); err != nil {
		t.Fatal(err)
	}
	access := func(s kg.Store) ([]kg.APIKey, []kg.AuditRecord) {
		t.Helper()
		keys, err := s.ListKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		page, err := s.AuditLog(ctx, kg.AuditQuery{First: 100})
		if err != nil {
			t.Fatal(err)
		}
		return keys, page.Records
	}
	wantKeys, wantLog := access(src)
	if len(wantLog) != len(generated(5))+1 {
		t.Fatalf("the source's log holds %d records", len(wantLog))
	}
	back := openEmbedded(t)
	for _, hop := range []struct {
		name     string
		from, to kg.Store
	}{{"into Neo4j", src, graph}, {"into Neo4j again", src, graph}, {"back", graph, back}} {
		if _, err := CopyKeys(ctx, hop.from, hop.to); err != nil {
			t.Fatalf("%s: CopyKeys: %v", hop.name, err)
		}
		if _, err := CopyAudit(ctx, hop.from, hop.to, 3); err != nil {
			t.Fatalf("%s: CopyAudit: %v", hop.name, err)
		}
		keys, log := access(hop.to)
		if d := cmp.Diff(wantKeys, keys); d != "" {
			t.Errorf("%s: keys (-source +copy):\n%s", hop.name, d)
		}
		if d := cmp.Diff(wantLog, log); d != "" {
			t.Errorf("%s: audit log (-source +copy):\n%s", hop.name, d)
		}
	}
}

// withDuplicates is a store holding the fixture and duplicate pairs of
// every state: a candidate, one judged of each verdict, one whose entity
// is gone (merged away: it is no longer listed, but its verdict stays).
func withDuplicates(t *testing.T) *embedded.Store {
	t.Helper()
	ctx := context.Background()
	src := openEmbedded(t)
	if err := src.Apply(ctx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	found := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	pairs := []kg.DuplicatePair{
		{A: "p-han-deng", B: "p-han-dong", Kind: kg.Person, Score: 0.8, Found: found,
			Reasons: []kg.MatchReason{{Kind: "NAME_FUZZY", Detail: "Han Deng ~ Han Dong", Weight: 0.6}, {Kind: "PARTY", Weight: 0.2}}},
		{A: "p-han-dong", B: "p-michael-chong", Kind: kg.Person, Score: 0.3, Found: found},
		{A: "a-bbc", B: "a-globe", Kind: kg.Article, Score: 0.5, Found: found},
		{A: "o-bbc", B: "o-globe", Kind: kg.Organization, Score: 0.6, Found: found},
		{A: "p-gone", B: "p-han-dong", Kind: kg.Person, Score: 0.9, Found: found},
	}
	if err := src.RecordDuplicates(ctx, pairs, nil); err != nil {
		t.Fatal(err)
	}
	for _, j := range []struct {
		a, b string
		v    kg.Verdict
	}{{"p-han-dong", "p-michael-chong", kg.VerdictDifferent}, {"a-bbc", "a-globe", kg.VerdictUnsure}, {"o-bbc", "o-globe", kg.VerdictSame}} {
		if _, err := src.JudgeDuplicate(ctx, j.a, j.b, j.v, kg.AuditMeta{Actor: "curator", Op: "judgeDuplicate"}); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

func allDuplicates(t *testing.T, s kg.DuplicateStore) []kg.DuplicatePair {
	t.Helper()
	var out []kg.DuplicatePair
	if err := s.ScanDuplicates(context.Background(), func(p kg.DuplicatePair) error { out = append(out, p); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// copyDuplicatesHops copies the pairs along the hops and checks that each
// target then holds exactly the source's pairs, verdicts and all.
func copyDuplicatesHops(t *testing.T, want []kg.DuplicatePair, hops []struct {
	name     string
	from, to kg.Store
}) {
	t.Helper()
	for _, hop := range hops {
		// The graph first, as polgraph copy does.
		if _, err := Copy(context.Background(), hop.from, hop.to, Options{}); err != nil {
			t.Fatalf("%s: Copy: %v", hop.name, err)
		}
		n, err := CopyDuplicates(context.Background(), hop.from, hop.to, 2)
		if err != nil {
			t.Fatalf("%s: CopyDuplicates: %v", hop.name, err)
		}
		if n != len(want) {
			t.Errorf("%s: copied %d pairs, want %d", hop.name, n, len(want))
		}
		if d := cmp.Diff(want, allDuplicates(t, hop.to)); d != "" {
			t.Errorf("%s: pairs (-source +copy):\n%s", hop.name, d)
		}
		page, err := hop.to.Duplicates(context.Background(), kg.DuplicateQuery{First: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Pairs) != 3 { // not DIFFERENT, not p-gone's
			t.Errorf("%s: %d pairs listed on the copy, want 3: %+v", hop.name, len(page.Pairs), page.Pairs)
		}
	}
}

func TestCopyDuplicates(t *testing.T) {
	src := withDuplicates(t)
	want := allDuplicates(t, src)
	if len(want) != 5 || want[1].Verdict == "" {
		t.Fatalf("the source holds %+v", want)
	}
	dst := openEmbedded(t)
	copyDuplicatesHops(t, want, []struct {
		name     string
		from, to kg.Store
	}{{"copy", src, dst}, {"copy again", src, dst}})
}

func TestCopyDuplicatesThroughNeo4j(t *testing.T) {
	graph := neo4jtest.Open(t)
	src := withDuplicates(t)
	want := allDuplicates(t, src)
	copyDuplicatesHops(t, want, []struct {
		name     string
		from, to kg.Store
	}{{"into Neo4j", src, graph}, {"into Neo4j again", src, graph}, {"back", graph, openEmbedded(t)}})
}
