package kg

import (
	"slices"
	"testing"
)

// decideMerge on its own: what a store would read, what it must write.
func TestDecideMerge(t *testing.T) {
	keep := &Entity{ID: "a", Kind: Person, Name: "Han Dong", Aliases: []string{"Mr Dong"}}
	twin := &Entity{ID: "b", Kind: Person, Name: "Dong, Han", Identifiers: []Identifier{{Scheme: "wikidata", Value: "Q1"}},
		Sources: []Source{{Dataset: "ds", Record: "p1"}}, MergedFrom: []string{"c"}}
	party := &Entity{ID: "lib", Kind: Organization, Name: "Liberals", Classification: Party}
	ev := func(q string) []Evidence { return []Evidence{{Article: "art", Quote: q, Confidence: 1}} }
	shared := Relationship{ID: RelationshipID(MemberOf, "a", "lib", ""), Type: MemberOf, From: "a", To: "lib", Evidence: ev("a's")}
	twinShared := Relationship{ID: RelationshipID(MemberOf, "b", "lib", ""), Type: MemberOf, From: "b", To: "lib", Evidence: ev("b's")}
	loop := Relationship{ID: "loop", Type: SpokespersonFor, From: "b", To: "a"}
	given := Relationship{ID: "given", Type: WorksFor, From: "b", To: "lib", Role: "aide"}
	st := Stored{
		Entities: map[string]*Entity{"a": keep, "b": twin, "lib": party},
		Attached: map[string][]Relationship{"a": {shared, loop}, "b": {twinShared, loop, given}},
	}
	b := &Batch{Merge: &Merge{Keep: "a", Merged: []string{"b"}}}
	d, err := Decide(b, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Entities) != 1 {
		t.Fatalf("entities %+v", d.Entities)
	}
	s := d.Entities[0]
	if !slices.Equal(s.Aliases, []string{"Mr Dong", "Dong, Han"}) || len(s.Identifiers) != 1 || len(s.Sources) != 1 || !slices.Equal(s.MergedFrom, []string{"b", "c"}) {
		t.Errorf("survivor %+v", s)
	}
	if !slices.Equal(d.RemoveEntities, []string{"b"}) {
		t.Errorf("removed entities %v", d.RemoveEntities)
	}
	wantRemoved := []string{"given", "loop", twinShared.ID}
	slices.Sort(wantRemoved)
	if !slices.Equal(d.RemoveRelationships, wantRemoved) {
		t.Errorf("removed relationships %v, want %v", d.RemoveRelationships, wantRemoved)
	}
	newGiven := MergedRelationshipID(WorksFor, "given", "a", "lib")
	var ids []string
	for _, r := range d.Relationships {
		ids = append(ids, r.ID)
		if r.ID == shared.ID && len(r.Evidence) != 2 {
			t.Errorf("joined membership evidence %+v", r.Evidence)
		}
		if r.ID == newGiven && (r.From != "a" || r.Role != "aide" || !d.Created[r.ID]) {
			t.Errorf("re-pointed %+v (created %v)", r, d.Created[r.ID])
		}
	}
	if want := []string{newGiven, shared.ID}; !slices.Equal(ids, sortedUnique(want)) {
		t.Errorf("relationships written %v, want %v", ids, want)
	}
	// The same merge decides the same ids.
	if again, _ := Decide(b, st); !slices.Equal(again.RemoveRelationships, d.RemoveRelationships) {
		t.Error("not deterministic")
	}
}
