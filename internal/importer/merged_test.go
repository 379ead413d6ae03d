package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/teststore"
)

// A small parliament: two records of one MP (a data error a curator
// settles by merging), another MP, a party and the chamber. Each
// membership makes two relationships (the chamber, and the party on whose
// behalf), the second MP record has two memberships of the chamber.
const smallPopolo = `{
  "persons": [
    {"id": "p/ann", "name": "Ann Example", "identifiers": [{"scheme": "wikidata", "identifier": "Q1"}]},
    {"id": "p/ann-2", "name": "Ann B. Example", "birth_date": "1970-01-02"},
    {"id": "p/bo", "name": "Bo Other"}
  ],
  "organizations": [
    {"id": "party/x", "name": "Party X", "classification": "party"},
    {"id": "house", "name": "The House", "classification": "legislature"}
  ],
  "memberships": [
    {"id": "m1", "person_id": "p/ann", "organization_id": "house", "on_behalf_of_id": "party/x", "role": "member", "start_date": "2019"},
    {"id": "m2", "person_id": "p/ann-2", "organization_id": "house", "on_behalf_of_id": "party/x", "role": "member", "start_date": "2015", "end_date": "2019"},
    {"id": "m3", "person_id": "p/ann-2", "organization_id": "house", "role": "member", "start_date": "2010", "end_date": "2014"},
    {"id": "m4", "person_id": "p/bo", "organization_id": "house", "role": "member", "start_date": "2019"}
  ]
}`

type stored struct {
	Entities      []kg.Entity
	Relationships []kg.Relationship
}

func scanAll(t *testing.T, st kg.Store) stored {
	t.Helper()
	ctx := context.Background()
	var g stored
	if err := st.ScanEntities(ctx, func(e kg.Entity) error { g.Entities = append(g.Entities, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := st.ScanRelationships(ctx, func(r kg.Relationship) error { g.Relationships = append(g.Relationships, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return g
}

// Importing a file again after a curator merged its entities (into one of
// its own, or into one an article made, and on through later merges)
// changes nothing, and neither does importing it after the unmerges: the
// merged records land in the survivor, their re-pointed relationships are
// found, none is made again beside them.
func TestReimportAfterMergeChangesNothing(t *testing.T) {
	ctx := kg.WithPrincipal(context.Background(), kg.Principal{Name: "curator", Role: kg.RoleAdmin, Authenticated: true})
	path := filepath.Join(t.TempDir(), "small.popolo.json")
	if err := os.WriteFile(path, []byte(smallPopolo), 0o600); err != nil {
		t.Fatal(err)
	}
	opt := importer.Options{Dataset: importer.Dataset{Name: "Small House"}}
	ann := importer.EntityID("Small House", "p/ann")
	ann2 := importer.EntityID("Small House", "p/ann-2")

	type step struct {
		name string
		do   func(t *testing.T, svc *kg.Service)
	}
	merge := func(keep string, ids ...string) func(*testing.T, *kg.Service) {
		return func(t *testing.T, svc *kg.Service) {
			t.Helper()
			if _, err := svc.MergeEntities(ctx, keep, ids); err != nil {
				t.Fatalf("merge %v into %s: %v", ids, keep, err)
			}
		}
	}
	unmerge := func(id string) func(*testing.T, *kg.Service) {
		return func(t *testing.T, svc *kg.Service) {
			t.Helper()
			if _, err := svc.UnmergeEntity(ctx, id); err != nil {
				t.Fatalf("unmerge %s: %v", id, err)
			}
		}
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, svc *kg.Service) // before the first import
		steps []step
	}{
		{
			name: "IntoARecordOfTheSameFile",
			steps: []step{
				{"merge", merge(ann, ann2)},
				{"unmerge", unmerge(ann2)},
			},
		},
		{
			name: "TheOtherWayRound",
			steps: []step{
				{"merge", merge(ann2, ann)},
				{"unmerge", unmerge(ann2)},
			},
		},
		{
			name: "IntoAnArticlesEntityThenOn",
			setup: func(t *testing.T, svc *kg.Service) {
				for _, id := range []string{"ann-from-article", "ann-by-hand"} {
					if _, err := svc.UpsertEntity(ctx, kg.Entity{ID: id, Kind: kg.Person, Name: "A. Example " + id}); err != nil {
						t.Fatal(err)
					}
				}
			},
			steps: []step{
				{"merge", merge("ann-from-article", ann2)},
				{"merge again", merge("ann-from-article", ann)},
				{"merge the survivor", merge("ann-by-hand", "ann-from-article")},
				{"unmerge the survivor", unmerge("ann-from-article")},
				{"unmerge", unmerge(ann)},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := teststore.Open(t)
			svc := kg.NewService(st, kg.DefaultLimits)
			if c.setup != nil {
				c.setup(t, svc)
			}
			first := importPopolo(t, svc, path, opt)
			if first.ErrorCount != 0 || first.Relationships.Created != 6 {
				t.Fatalf("first import: %s", first.String())
			}
			for _, s := range c.steps {
				s.do(t, svc)
				before := scanAll(t, st)
				sum := importPopolo(t, svc, path, opt)
				if sum.Entities.Created+sum.Entities.Updated+sum.Relationships.Created+sum.Relationships.Updated != 0 || sum.ErrorCount != 0 {
					t.Errorf("import after %s: %s, want everything unchanged", s.name, sum.String())
				}
				if d := cmp.Diff(before, scanAll(t, st), cmpopts.EquateEmpty()); d != "" {
					t.Errorf("import after %s changed the graph (-before +after):\n%s", s.name, d)
				}
			}
		})
	}
}
