package kg

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizeName(t *testing.T) {
	tests := map[string]string{
		"Han Dong":                "han dong",
		"  HAN   dong ":           "han dong",
		"Zoë Ñúñez":               "zoe nunez",
		"Meng Wanzhou (孟晚舟)":      "meng wanzhou 孟晚舟",
		"O'Toole":                 "otoole",
		"Erin O’Toole":            "erin otoole",
		"The Globe and Mail":      "the globe and mail",
		"Łukasz Øster-Straße":     "lukasz oster strase",
		"consul-general, Toronto": "consul general toronto",
		"!!!":                     "",
	}
	for in, want := range tests {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func paths(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Path)
	}
	return out
}

func TestEntityValidate(t *testing.T) {
	tests := []struct {
		name string
		e    Entity
		want []string // problem paths
	}{
		{"person ok", Entity{ID: "han-dong", Kind: Person, Name: "Han Dong"}, nil},
		{"empty id and name", Entity{Kind: Person}, []string{"e.id", "e.name"}},
		{"unknown kind", Entity{ID: "x", Kind: "ROBOT", Name: "X"}, []string{"e.kind"}},
		{"id with space", Entity{ID: "han dong", Kind: Person, Name: "Han Dong"}, []string{"e.id"}},
		{"field of another kind", Entity{ID: "x", Kind: Person, Name: "X", Title: "t"}, []string{"e.title"}},
		{"org bad class", Entity{ID: "x", Kind: Organization, Name: "X", Classification: "CLUB"}, []string{"e.classification"}},
		{"article needs title", Entity{ID: "a", Kind: Article, Name: "A"}, []string{"e.title"}},
		{"article bad url", Entity{ID: "a", Kind: Article, Name: "A", Title: "A", URL: "javascript:alert(1)"}, []string{"e.url"}},
		{"allegation needs summary", Entity{ID: "al", Kind: Allegation, Name: "Al"}, []string{"e.summary"}},
		{"allegation bad status", Entity{ID: "al", Kind: Allegation, Name: "Al", Summary: "s", Status: "MAYBE"}, []string{"e.status"}},
		{"statement needs quote", Entity{ID: "s", Kind: Statement, Name: "S"}, []string{"e.quote"}},
		{"country code", Entity{ID: "ca", Kind: Country, Name: "Canada", CountryCode: "Canada"}, []string{"e.countryCode"}},
		{"bad date", Entity{ID: "ev", Kind: Event, Name: "E", Date: Date{Year: 2021, Month: 2, Day: 30}}, []string{"e.date"}},
		{"empty alias and identifier", Entity{ID: "x", Kind: Person, Name: "X", Aliases: []string{" "}, Identifiers: []Identifier{{}}},
			[]string{"e.aliases[0]", "e.identifiers[0].scheme", "e.identifiers[0].value"}},
		{"long name", Entity{ID: "x", Kind: Person, Name: strings.Repeat("a", MaxNameLen+1)}, []string{"e.name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := paths(tt.e.Validate("e"))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("problem paths (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEntityNormalize(t *testing.T) {
	e := Entity{ID: "x", Kind: Allegation, Name: " Claim ", Aliases: []string{"claim", " Other ", "other", ""}}
	e.Normalize()
	want := Entity{ID: "x", Kind: Allegation, Name: "Claim", Aliases: []string{"Other"}, Status: Alleged}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Fatalf("Normalize (-want +got):\n%s", diff)
	}
}

func TestRelationshipValidate(t *testing.T) {
	ok := Relationship{ID: "r", Type: MemberOf, From: "a", To: "b", Since: MustDate("2019"), Until: MustDate("2023-03-22"),
		Evidence: []Evidence{{Article: "art", Quote: "q", Confidence: 0.9}}}
	tests := []struct {
		name   string
		mutate func(r *Relationship)
		want   []string
	}{
		{"ok", func(*Relationship) {}, nil},
		{"unknown type", func(r *Relationship) { r.Type = "LOVES" }, []string{"r.type"}},
		{"self loop", func(r *Relationship) { r.To = r.From }, []string{"r.to"}},
		{"until before since", func(r *Relationship) { r.Until = MustDate("2018") }, []string{"r.until"}},
		{"same partial year is fine", func(r *Relationship) { r.Until = MustDate("2019-01") }, nil},
		{"confidence out of range", func(r *Relationship) { r.Evidence[0].Confidence = 1.5 }, []string{"r.evidence[0].confidence"}},
		{"evidence without article", func(r *Relationship) { r.Evidence[0].Article = "" }, []string{"r.evidence[0].article"}},
		{"missing ends", func(r *Relationship) { r.From, r.To = "", "" }, []string{"r.from", "r.to"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			r.Evidence = append([]Evidence(nil), ok.Evidence...)
			tt.mutate(&r)
			if diff := cmp.Diff(tt.want, paths(r.Validate("r"))); diff != "" {
				t.Fatalf("problem paths (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRelationshipID(t *testing.T) {
	a := RelationshipID(MemberOf, "han-dong", "liberal-party", "MP")
	if a != RelationshipID(MemberOf, "han-dong", "liberal-party", " mp ") {
		t.Fatal("role normalisation should not change the id")
	}
	for _, other := range []string{
		RelationshipID(MemberOf, "liberal-party", "han-dong", "MP"),
		RelationshipID(Leads, "han-dong", "liberal-party", "MP"),
		RelationshipID(MemberOf, "han-dong", "liberal-party", ""),
		RelationshipID(MemberOf, "han-don", "gliberal-party", "MP"),
	} {
		if other == a {
			t.Fatalf("distinct relationships share id %s", a)
		}
	}
}

func TestMergeEvidence(t *testing.T) {
	have := []Evidence{{Article: "a1", Quote: "q1", Confidence: 0.5}}
	got := MergeEvidence(have, []Evidence{{Article: "a1", Quote: "q1", Confidence: 0.9}, {Article: "a2", Quote: "q2", Confidence: 0.7}})
	want := []Evidence{{Article: "a1", Quote: "q1", Confidence: 0.9}, {Article: "a2", Quote: "q2", Confidence: 0.7}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("MergeEvidence (-want +got):\n%s", diff)
	}
	if have[0].Confidence != 0.5 {
		t.Fatal("MergeEvidence modified its input")
	}
	if diff := cmp.Diff(want, MergeEvidence(got, want)); diff != "" {
		t.Fatalf("merging twice changed the result:\n%s", diff)
	}
	r := Relationship{Evidence: got}
	if r.Sources() != 2 {
		t.Fatalf("Sources() = %d, want 2", r.Sources())
	}
}

func TestRules(t *testing.T) {
	outlet := &Entity{Kind: Organization, Classification: MediaOutlet}
	party := &Entity{Kind: Organization, Classification: Party}
	allegation := &Entity{Kind: Allegation}
	person := &Entity{Kind: Person}
	for _, typ := range RelTypes {
		if _, ok := RuleFor(typ); !ok {
			t.Errorf("no rule for %s", typ)
		}
	}
	pub, _ := RuleFor(PublishedBy)
	if ok, _ := pub.To.Allows(outlet); !ok {
		t.Error("PUBLISHED_BY should reach a media outlet")
	}
	if ok, why := pub.To.Allows(party); ok || !strings.Contains(why, "MEDIA_OUTLET") {
		t.Errorf("PUBLISHED_BY reached a party (why=%q)", why)
	}
	acc, _ := RuleFor(AccusedIn)
	if ok, _ := acc.To.Allows(allegation); !ok {
		t.Error("ACCUSED_IN should reach an allegation")
	}
	if ok, _ := acc.To.Allows(person); ok {
		t.Error("ACCUSED_IN reached a person")
	}
	if RelType("MEMBER_OF`]-() DETACH DELETE n //").Valid() {
		t.Error("a hostile type passed the allow-list")
	}
}

func TestErrors(t *testing.T) {
	err := Invalid("op", Problem{Path: "first", Reason: "too big"})
	if KindOf(err) != KindInvalid || len(ProblemsOf(err)) != 1 || err.Error() != "op: first: too big" {
		t.Fatalf("Invalid: kind %v, %q", KindOf(err), err)
	}
	if nf := NotFound("entity", "x"); !IsNotFound(nf) || nf.Error() != `entity: "x" not found` {
		t.Fatalf("NotFound: %q", nf)
	}
	if KindOf(errString("plain")) != KindInternal {
		t.Fatal("a plain error should be internal")
	}
}

type errString string

func (e errString) Error() string { return string(e) }
