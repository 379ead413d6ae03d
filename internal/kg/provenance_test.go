package kg

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestMergeEvidenceDataset(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	have := []Evidence{
		{Article: "a", Quote: "q", Confidence: 0.5},
		{Dataset: "d", Record: "r1", File: "f1", Imported: t1, Confidence: 1},
	}
	got := MergeEvidence(have, []Evidence{
		{Dataset: "d", Record: "r1", File: "f2", Imported: t2, Quote: "new", Confidence: 0.8}, // same record
		{Dataset: "d", Record: "r2", Imported: t2, Confidence: 1},                             // another record
		{Article: "a", Quote: "q", Confidence: 0.7},                                           // same passage
		{Dataset: "e", Record: "r1", Confidence: 1},                                           // another dataset
	})
	want := []Evidence{
		{Article: "a", Quote: "q", Confidence: 0.7},
		{Dataset: "d", Record: "r1", File: "f1", Imported: t1, Quote: "new", Confidence: 0.8},
		{Dataset: "d", Record: "r2", Imported: t2, Confidence: 1},
		{Dataset: "e", Record: "r1", Confidence: 1},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if n := (&Relationship{Evidence: got}).Sources(); n != 3 {
		t.Errorf("Sources = %d, want 3 (a, d, e)", n)
	}
	// Merging again changes nothing.
	if d := cmp.Diff(got, MergeEvidence(got, got)); d != "" {
		t.Errorf("merging twice (-once +twice):\n%s", d)
	}
}

func TestMergeSources(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	got := MergeSources([]Source{{Dataset: "d", Record: "r", Imported: t1}},
		[]Source{{Dataset: "d", Record: "r", File: "f", Imported: t1.Add(time.Hour)}, {Dataset: "d", Record: "s"}})
	want := []Source{{Dataset: "d", Record: "r", File: "f", Imported: t1}, {Dataset: "d", Record: "s"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestValidateProvenance(t *testing.T) {
	paths := func(p []Problem) []string {
		var out []string
		for _, x := range p {
			out = append(out, x.Path)
		}
		return out
	}
	ds := Entity{ID: "ds", Kind: Dataset, Name: "D", URL: "https://example.org", Publisher: "P", Licence: "CC0", Retrieved: MustDate("2026")}
	if p := ds.Validate("e"); len(p) != 0 {
		t.Errorf("a valid dataset: %v", p)
	}
	bad := Entity{ID: "p", Kind: Person, Name: "P", Publisher: "x", Retrieved: MustDate("2026"), URL: "https://x.org",
		BirthDate: MustDate("1990"), DeathDate: MustDate("1980"),
		Attributes: []Attribute{{Name: " ", Value: "v"}},
		Sources:    []Source{{Dataset: "ds"}}}
	want := []string{"e.attributes[0].name", "e.deathDate", "e.publisher", "e.retrieved", "e.sources[0].record", "e.url"}
	got := paths(bad.Validate("e"))
	for _, w := range want {
		if !strings.Contains(strings.Join(got, " "), w) {
			t.Errorf("problems %v lack %s", got, w)
		}
	}
	many := Entity{ID: "p", Kind: Person, Name: "P", Attributes: make([]Attribute, MaxAttributes+1)}
	for i := range many.Attributes {
		many.Attributes[i] = Attribute{Name: "n", Value: "v"}
	}
	if got := paths(many.Validate("e")); len(got) != 1 || got[0] != "e.attributes" {
		t.Errorf("too many attributes: %v", got)
	}
	r := Relationship{ID: "r", Type: RelatedTo, From: "a", To: "b", Attributes: []Attribute{{Name: "n", Value: strings.Repeat("x", MaxFieldLen+1)}}}
	if got := paths(r.Validate("r")); len(got) != 1 || got[0] != "r.attributes[0].value" {
		t.Errorf("a long attribute value: %v", got)
	}
}

func TestDecideDatasetEvidence(t *testing.T) {
	ds := Entity{ID: "ds", Kind: Dataset, Name: "D"}
	art := Entity{ID: "art", Kind: Article, Name: "A", Title: "A"}
	p := Entity{ID: "p", Kind: Person, Name: "P"}
	o := Entity{ID: "o", Kind: Organization, Name: "O", Classification: Company}
	st := Stored{Entities: map[string]*Entity{"ds": &ds, "art": &art, "p": &p, "o": &o}, Relationships: map[string]Relationship{}}
	// Dataset evidence on any type; a dataset named as an article (or the
	// other way round) is refused at the field.
	b := Batch{Relationships: []Relationship{{ID: "r", Type: Owns, From: "p", To: "o", Evidence: []Evidence{{Dataset: "ds", Record: "1", Confidence: 1}}}}}
	if _, err := Decide(&b, st); err != nil {
		t.Fatal(err)
	}
	b.Relationships[0].Evidence = []Evidence{{Dataset: "art", Record: "1", Confidence: 1}}
	if _, err := Decide(&b, st); KindOf(err) != KindInvalid || ProblemsOf(err)[0].Path != "relationships[0].evidence[0].dataset" {
		t.Errorf("an article as a dataset: %v %v", err, ProblemsOf(err))
	}
	b.Relationships[0].Evidence = []Evidence{{Article: "ds", Confidence: 1}}
	if _, err := Decide(&b, st); KindOf(err) != KindInvalid || ProblemsOf(err)[0].Path != "relationships[0].evidence[0].article" {
		t.Errorf("a dataset as an article: %v %v", err, ProblemsOf(err))
	}
	// OWNS ends: a person cannot be owned.
	b = Batch{Relationships: []Relationship{{ID: "r", Type: Owns, From: "o", To: "p"}}}
	if _, err := Decide(&b, st); KindOf(err) != KindInvalid {
		t.Errorf("OWNS to a person: %v", err)
	}
	// A dataset is an end of RELATED_TO, not of MEMBER_OF.
	b = Batch{Relationships: []Relationship{{ID: "r", Type: RelatedTo, From: "ds", To: "p", Role: "covers"}}}
	if _, err := Decide(&b, st); err != nil {
		t.Errorf("RELATED_TO from a dataset: %v", err)
	}
	b = Batch{Relationships: []Relationship{{ID: "r", Type: MemberOf, From: "ds", To: "o"}}}
	if _, err := Decide(&b, st); KindOf(err) != KindInvalid {
		t.Errorf("MEMBER_OF from a dataset: %v", err)
	}
}
