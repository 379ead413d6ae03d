package kg

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecideRevertAfterLaterWrites(t *testing.T) {
	person := Entity{ID: "p", Kind: Person, Name: "P"}
	party := Entity{ID: "o", Kind: Organization, Name: "O", Classification: Party}
	article := Entity{ID: "a", Kind: Article, Name: "A", Title: "A"}
	other := Entity{ID: "b", Kind: Article, Name: "B", Title: "B"}
	ev := func(article, quote string) Evidence { return Evidence{Article: article, Quote: quote, Confidence: 1} }
	rel := func(evs ...Evidence) *Relationship {
		return &Relationship{ID: "r", Type: MemberOf, From: "p", To: "o", Evidence: evs}
	}
	stored := func(r *Relationship) RevertStored {
		return RevertStored{
			Entities:      map[string]*Entity{"p": &person, "o": &party, "a": &article, "b": &other},
			Relationships: map[string]Relationship{"r": *r},
		}
	}
	for _, tc := range []struct {
		name    string
		change  RelationshipChange
		now     *Relationship
		later   []AuditRecord
		want    []Evidence // the relationship's evidence after the revert
		blocked string     // a conflict naming this, instead
	}{
		{name: "evidence added since is kept",
			change: RelationshipChange{ID: "r", Before: rel(ev("a", "x")), After: rel(ev("a", "x"), ev("a", "mine"))},
			now:    rel(ev("a", "x"), ev("a", "mine"), ev("b", "later")),
			want:   []Evidence{ev("a", "x"), ev("b", "later")}},
		{name: "a removed piece comes back beside later ones",
			change: RelationshipChange{ID: "r", Before: rel(ev("a", "x"), ev("a", "gone")), After: rel(ev("a", "x"))},
			now:    rel(ev("a", "x"), ev("b", "later")),
			want:   []Evidence{ev("a", "x"), ev("b", "later"), ev("a", "gone")}},
		{name: "a piece of the write changed since blocks",
			change:  RelationshipChange{ID: "r", Before: rel(), After: rel(ev("a", "mine"))},
			now:     rel(Evidence{Article: "a", Quote: "mine", Confidence: 0.2}),
			later:   []AuditRecord{{ID: "w2", Op: "addEvidence", Actor: "bob"}},
			blocked: `relationship "r" (changed since by write w2 (addEvidence by bob))`},
		{name: "a role changed since blocks",
			change:  RelationshipChange{ID: "r", Before: rel(), After: rel(ev("a", "mine"))},
			now:     &Relationship{ID: "r", Type: MemberOf, From: "p", To: "o", Role: "chair", Evidence: []Evidence{ev("a", "mine")}},
			blocked: `relationship "r"`},
		{name: "a creation changed since blocks",
			change:  RelationshipChange{ID: "r", After: rel(ev("a", "mine"))},
			now:     rel(ev("a", "mine"), ev("b", "later")),
			blocked: `relationship "r"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &AuditRecord{ID: "w1", Relationships: []RelationshipChange{tc.change}}
			st := stored(tc.now)
			if tc.later != nil {
				st.Later = map[string][]AuditRecord{"r": tc.later}
			}
			if got := RevertBlocked(rec, st); (len(got) > 0) != (tc.blocked != "") {
				t.Errorf("RevertBlocked = %v", got)
			}
			rv, err := DecideRevert("revertWrite", rec, st)
			if tc.blocked != "" {
				if KindOf(err) != KindConflict || !strings.Contains(err.Error(), tc.blocked) {
					t.Fatalf("error = %v, want a conflict naming %s", err, tc.blocked)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(rv.Relationships) != 1 || len(rv.RemoveRelationships) > 0 {
				t.Fatalf("reversal = %+v", rv)
			}
			if d := cmp.Diff(tc.want, rv.Relationships[0].Evidence); d != "" {
				t.Errorf("evidence after the revert (-want +got):\n%s", d)
			}
			if c := rv.Record.Relationships[0]; !SameRelationship(c.Before, tc.now) || !SameRelationship(c.After, &rv.Relationships[0]) {
				t.Errorf("the revert's record: %+v", c)
			}
		})
	}
}
