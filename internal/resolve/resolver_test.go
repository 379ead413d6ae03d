package resolve_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/polgraph/polgraph/examples"
	"github.com/polgraph/polgraph/internal/dossier"
	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/importer/popolo"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/resolve"
	"github.com/polgraph/polgraph/internal/store/teststore"
)

func asEditor(ctx context.Context) context.Context {
	return kg.WithPrincipal(ctx, kg.Principal{Name: "resolve-test", Role: kg.RoleEditor, Authenticated: true})
}

func importFixture(t *testing.T, svc *kg.Service, res *resolve.Resolver) (importer.Summary, resolve.Settled) {
	t.Helper()
	ctx := asEditor(context.Background())
	r, err := popolo.Open("testdata/canada-commons.popolo.json")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := importer.Run(ctx, svc, r, importer.Options{Dataset: importer.Dataset{Name: "Canada House of Commons"}, Resolver: res})
	if err != nil {
		t.Fatalf("import: %v\n%s", err, sum.String())
	}
	settled, err := res.Settle(ctx)
	if err != nil {
		t.Fatalf("settle: %v", err)
	}
	return sum, settled
}

type graph struct {
	Entities      []kg.Entity
	Relationships []kg.Relationship
}

func scan(t *testing.T, st kg.Store) graph {
	t.Helper()
	var g graph
	ctx := context.Background()
	if err := st.ScanEntities(ctx, func(e kg.Entity) error { g.Entities = append(g.Entities, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := st.ScanRelationships(ctx, func(r kg.Relationship) error { g.Relationships = append(g.Relationships, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return g
}

// The demo dossier makes Han Dong from a BBC article; a parliament's
// Popolo file holds him again. After the import there is one Han Dong,
// with both the article's evidence and the dataset's; unmerging brings the
// graph back exactly as before the merge.
func TestArticleMPAttachesToImportedMP(t *testing.T) {
	for _, mode := range []resolve.Mode{resolve.MatchExact, resolve.MatchFuzzy} {
		t.Run(string(mode), func(t *testing.T) {
			st := teststore.Open(t)
			svc := kg.NewService(st, kg.DefaultLimits)
			ctx := asEditor(context.Background())
			if _, err := dossier.Ingest(ctx, svc, examples.Demo()); err != nil {
				t.Fatal(err)
			}
			res := resolve.New(svc, resolve.Options{Mode: mode})
			sum, settled := importFixture(t, svc, res)
			t.Logf("%s: %s; settled %+v", teststore.Name(), sum.String(), settled)

			// One PERSON named Han Dong.
			ids, err := st.FindEntities(ctx, kg.Match{Kind: kg.Person, Names: []string{"Han Dong"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) != 1 {
				t.Fatalf("persons named Han Dong: %v, want one", ids)
			}
			dong := ids[0]
			if settled.Merged["han-dong"] != dong {
				t.Errorf("merged %v, want han-dong into %s", settled.Merged, dong)
			}
			// Both kinds of evidence on his relationships.
			first := 100
			page, err := svc.Relationships(ctx, kg.RelQuery{Entity: dong}, &first)
			if err != nil {
				t.Fatal(err)
			}
			article, dataset := false, false
			for _, e := range page.Edges {
				for _, ev := range e.Relationship.Evidence {
					article = article || ev.Article != ""
					dataset = dataset || ev.Dataset != ""
				}
			}
			if !article || !dataset {
				t.Errorf("Han Dong's evidence: article %v, dataset %v; want both", article, dataset)
			}
			// The article's id redirects to him.
			look, err := svc.Lookup(ctx, "han-dong")
			if err != nil || look.Entity.ID != dong || look.RedirectedFrom != "han-dong" {
				t.Errorf("lookup of han-dong: %+v, %v", look, err)
			}
			// Michael Chong is in the file only: created, not merged.
			if got, _ := st.FindEntities(ctx, kg.Match{Kind: kg.Person, Names: []string{"Michael Chong"}}); len(got) != 1 {
				t.Errorf("Michael Chong: %v", got)
			}

			// Importing again changes nothing.
			before := scan(t, st)
			again, settled2 := importFixture(t, svc, resolve.New(svc, resolve.Options{Mode: mode}))
			if again.Entities.Created+again.Relationships.Created != 0 || len(settled2.Merged) != 0 {
				t.Errorf("second import: %s; settled %+v", again.String(), settled2)
			}
			if d := cmp.Diff(before, scan(t, st), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("the second import changed the graph (-before +after):\n%s", d)
			}
		})
	}
}

// A merge then an unmerge leaves the graph exactly as it was.
func TestUnmergeRestoresTheGraph(t *testing.T) {
	st := teststore.Open(t)
	svc := kg.NewService(st, kg.DefaultLimits)
	ctx := asEditor(context.Background())
	if _, err := dossier.Ingest(ctx, svc, examples.Demo()); err != nil {
		t.Fatal(err)
	}
	r, err := popolo.Open("testdata/canada-commons.popolo.json")
	if err != nil {
		t.Fatal(err)
	}
	res := resolve.New(svc, resolve.Options{Threshold: 0.99}) // nothing merges by itself
	if _, err := importer.Run(ctx, svc, r, importer.Options{Dataset: importer.Dataset{Name: "Canada House of Commons"}, Resolver: res}); err != nil {
		t.Fatal(err)
	}
	settled, err := res.Settle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(settled.Merged) != 0 {
		t.Fatalf("merged at threshold 0.99: %v", settled.Merged)
	}
	// The pair is a candidate, with its reasons.
	page, err := svc.PossibleDuplicates(ctx, kg.Person, 0, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	var pair *kg.DuplicatePair
	for i, p := range page.Pairs {
		if p.A == "han-dong" || p.B == "han-dong" {
			pair = &page.Pairs[i]
		}
	}
	if pair == nil {
		t.Fatalf("no candidate pair for han-dong among %+v", page.Pairs)
	}
	// At 0.99 the party did not attach either, so the name alone speaks.
	if pair.Score != 0.7 || !slices.ContainsFunc(pair.Reasons, func(r kg.MatchReason) bool { return r.Kind == "NAME_EXACT" }) {
		t.Errorf("pair %+v: want score 0.7 for the exact name", pair)
	}
	other := pair.A
	if other == "han-dong" {
		other = pair.B
	}
	before := scan(t, st)
	if _, err := svc.MergeEntities(ctx, other, []string{"han-dong"}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(before, scan(t, st), cmpopts.EquateEmpty()); d == "" {
		t.Fatal("the merge changed nothing")
	}
	if _, err := svc.UnmergeEntity(ctx, "han-dong"); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(before, scan(t, st), cmpopts.EquateEmpty()); d != "" {
		t.Errorf("merge then unmerge (-before +after):\n%s", d)
	}
	// Judged DIFFERENT, the pair is never proposed again.
	if _, err := svc.JudgeDuplicate(ctx, pair.A, pair.B, kg.VerdictDifferent); err != nil {
		t.Fatal(err)
	}
	if err := svc.RecordDuplicates(ctx, []kg.DuplicatePair{*pair}); err != nil {
		t.Fatal(err)
	}
	page, err = svc.PossibleDuplicates(ctx, kg.Person, 0, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range page.Pairs {
		if p.A == pair.A && p.B == pair.B {
			t.Errorf("a DIFFERENT pair is listed again: %+v", p)
		}
	}
}

// Scan finds duplicates among what is stored, by name and ties, and
// records them without merging.
func TestScan(t *testing.T) {
	st := teststore.Open(t)
	svc := kg.NewService(st, kg.DefaultLimits)
	ctx := asEditor(context.Background())
	if _, err := dossier.Ingest(ctx, svc, examples.Demo()); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpsertEntity(ctx, kg.Entity{ID: "dong-han", Kind: kg.Person, Name: "Dong, Han"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpsertRelationship(ctx, kg.Relationship{Type: kg.MemberOf, From: "dong-han", To: "liberal-party"}); err != nil {
		t.Fatal(err)
	}
	before := scan(t, st)
	pairs, err := resolve.Scan(ctx, svc, kg.Person, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got *kg.DuplicatePair
	for i, p := range pairs {
		if p.A == "dong-han" && p.B == "han-dong" {
			got = &pairs[i]
		}
	}
	if got == nil || got.Score != 0.85 {
		t.Fatalf("pairs %+v: want dong-han ~ han-dong at 0.85 (name and party)", pairs)
	}
	for _, p := range pairs {
		if p.A == "michael-kovrig" && p.B == "michael-spavor" {
			t.Errorf("two Michaels proposed: %+v", p)
		}
	}
	page, err := svc.PossibleDuplicates(ctx, kg.Person, 0.8, nil, "")
	if err != nil || len(page.Pairs) != 1 {
		t.Errorf("recorded: %+v, %v", page.Pairs, err)
	}
	if d := cmp.Diff(before, scan(t, st), cmpopts.EquateEmpty()); d != "" {
		t.Errorf("a scan changed the graph:\n%s", d)
	}
}
