package dossier_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/dossier"
	"github.com/polgraph/polgraph/internal/kg"
)

// want is an expected problem: its exact path and a fragment of its reason.
type want struct{ path, reason string }

// checkProblems asserts that err is KindInvalid and lists exactly the wanted
// paths, each with a reason containing the wanted fragment.
func checkProblems(t *testing.T, err error, wants []want) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error; want problems %v", wants)
	}
	if k := kg.KindOf(err); k != kg.KindInvalid {
		t.Fatalf("error kind = %v, want invalid: %v", k, err)
	}
	got := kg.ProblemsOf(err)
	var gotPaths, wantPaths []string
	for _, p := range got {
		gotPaths = append(gotPaths, p.Path)
	}
	for _, w := range wants {
		wantPaths = append(wantPaths, w.path)
	}
	if diff := cmp.Diff(wantPaths, gotPaths); diff != "" {
		t.Errorf("problem paths (-want +got):\n%s\nall problems: %v", diff, got)
	}
	for _, w := range wants {
		found := false
		for _, p := range got {
			if p.Path == w.path && strings.Contains(p.Reason, w.reason) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem at %s with reason containing %q; got %v", w.path, w.reason, got)
		}
	}
}

const validDossier = `{
  "dossier": "d1",
  "article": {"title": "Alice joins the Party", "outlet": "gazette", "published": "2024-05",
    "url": "https://example.org/alice", "language": "en",
    "text": "Alice, the new member of the Party, said: \"I am glad.\" The Gazette reports."},
  "entities": [
    {"key": "alice", "kind": "PERSON", "name": "Alice"},
    {"key": "party", "kind": "ORGANIZATION", "classification": "PARTY", "name": "The Party", "aliases": ["Party"]},
    {"key": "gazette", "kind": "ORGANIZATION", "classification": "MEDIA_OUTLET", "name": "The Gazette"}
  ],
  "relationships": [
    {"from": "alice", "type": "MEMBER_OF", "to": "party", "since": "2024", "quote": "Alice, the new member of the Party"}
  ],
  "statements": [
    {"key": "glad", "quote": "I am glad.", "speaker": {"key": "alice"}, "about": [{"key": "party"}]}
  ]
}`

func TestParseValid(t *testing.T) {
	d, err := dossier.Parse([]byte(validDossier))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if d.ID != "d1" || len(d.Entities) != 3 || d.Article.Published != kg.MustDate("2024-05") {
		t.Errorf("parsed %+v", d)
	}
	if c := d.Relationships[0]; c.Since != kg.MustDate("2024") || c.Confidence != nil {
		t.Errorf("relationship %+v", c)
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []want
	}{
		{
			name:  "syntax error with line and column",
			input: "{\n  \"dossier\": \"d1\",\n  \"article\": {\"title\": \"T\",}\n}",
			want:  []want{{"$", "line 3, column 28: invalid JSON"}},
		},
		{
			name:  "truncated",
			input: "{\"dossier\": \"d1\"",
			want:  []want{{"$", "unexpected end of input"}},
		},
		{
			name:  "trailing data",
			input: "{\"dossier\": \"d1\", \"article\": {\"title\": \"T\"}}\n{}",
			want:  []want{{"$", "line 2, column 1: unexpected data"}},
		},
		{
			name:  "not an object",
			input: `["dossier"]`,
			want:  []want{{"$", "must be a JSON object"}},
		},
		{
			name:  "empty",
			input: "  ",
			want:  []want{{"$", "empty document"}},
		},
		{
			name:  "missing dossier id and title",
			input: `{"article": {}}`,
			want:  []want{{"$.dossier", "required"}, {"$.article.title", "must not be empty"}},
		},
		{
			name: "unknown fields everywhere",
			input: `{"dossier": "d1", "colour": "red", "article": {"title": "T", "lang": "en"},
				"entities": [{"key": "a", "kind": "PERSON", "name": "A", "nickname": "Al"}],
				"relationships": [{"from": "a", "type": "CITIZEN_OF", "to": "c", "quote": "q", "source": "x"}],
				"allegations": [{"key": "al", "summary": "s", "accused": [{"key": "a", "quote": "q", "weight": 1}]}]}`,
			want: []want{
				{"$.article.lang", "unknown field"},
				{"$.entities[0].nickname", "unknown field"},
				{"$.relationships[0].source", "unknown field"},
				{"$.allegations[0].accused[0].weight", "unknown field"},
				{"$.colour", "unknown field; a dossier takes $schema, dossier, article"},
				{"$.relationships[0].to", `no entity with key "c"`},
			},
		},
		{
			name: "type errors with their paths",
			input: `{"dossier": 7, "article": {"title": ["T"], "cites": {"key": "a"}},
				"entities": [{"key": "a", "kind": "PERSON", "name": "A", "aliases": "Al"}, "b"],
				"relationships": [{"from": "a", "type": "MENTIONS", "to": "a", "quote": "q", "confidence": "high"}]}`,
			want: []want{
				{"$.dossier", "want a string, got a number"},
				{"$.article.title", "want a string, got an array"},
				{"$.article.cites", "want an array, got an object"},
				{"$.entities[0].aliases", "want an array, got a string"},
				{"$.entities[1]", "want an object, got a string"},
				{"$.relationships[0].confidence", "want a number, got a string"},
				{"$.relationships[0].to", `cannot connect "a" to itself`},
				{"$.relationships[0].from", `"a" is a PERSON; this end takes [ARTICLE]`},
			},
		},
		{
			name: "bad dates and enum values",
			input: `{"dossier": "d1", "article": {"title": "T", "published": "23 March 2023", "language": "english!"},
				"entities": [
					{"key": "a", "kind": "ROBOT", "name": "A"},
					{"key": "o", "kind": "ORGANIZATION", "classification": "CLUB", "name": "O", "birthDate": "2020-02-30"},
					{"key": "c", "kind": "COUNTRY", "name": "C", "countryCode": "CAN"}],
				"relationships": [
					{"from": "a", "type": "KNOWS", "to": "o", "quote": "q"},
					{"from": "o", "type": "PART_OF", "to": "c", "since": "2021", "until": "2020-12", "quote": "q"}],
				"allegations": [{"key": "al", "summary": "s", "status": "RUMOURED"}]}`,
			want: []want{
				{"$.article.published", `"23 March 2023" is not a date`},
				{"$.entities[1].birthDate", `"2020-02-30" is not a date`},
				{"$.article.language", "not a BCP 47 language tag"},
				{"$.entities[0].kind", `unknown kind "ROBOT"`},
				{"$.entities[1].classification", `unknown classification "CLUB"`},
				{"$.entities[2].countryCode", "not an ISO 3166-1 alpha-2 code"},
				{"$.allegations[0].status", `unknown status "RUMOURED"`},
				{"$.relationships[0].type", `unknown relationship type "KNOWS"`},
				{"$.relationships[1].until", "is before since"},
			},
		},
		{
			name: "keys: missing, duplicate, unknown, wrong kinds",
			input: `{"dossier": "d1", "article": {"title": "T", "outlet": "p", "cites": [{"key": "ghost", "quote": "q"}]},
				"entities": [
					{"key": "p", "kind": "PERSON", "name": "P"},
					{"kind": "PERSON", "name": "Nobody"},
					{"key": "p", "kind": "COUNTRY", "name": "P2"},
					{"key": "has space", "kind": "PERSON", "name": "S"},
					{"key": "al2", "kind": "ALLEGATION", "name": "A"}],
				"allegations": [{"key": "al", "summary": "s",
					"accused": [{"key": "al", "quote": "q"}],
					"reportedBy": [{"key": "p"}]}],
				"events": [{"key": "ev", "name": "E", "participants": [{"key": "al", "quote": "q"}]}],
				"statements": [{"key": "st", "quote": "said", "speaker": {"key": "ev"}}]}`,
			want: []want{
				{"$.entities[1].key", "required"},
				{"$.entities[2].key", `key "p" is already used by $.entities[0]`},
				{"$.entities[3].key", "contains whitespace"},
				{"$.entities[4].kind", "ALLEGATION entities go under $.allegations"},
				{"$.article.outlet", `"p" is a PERSON; this end takes [ORGANIZATION]`},
				{"$.article.cites[0].key", `no entity with key "ghost"`},
				{"$.allegations[0].accused[0].key", `cannot connect "al" to itself`},
				{"$.allegations[0].reportedBy[0].quote", "required"},
				{"$.events[0].participants[0].key", `"al" is a ALLEGATION`},
				{"$.statements[0].speaker.key", `"ev" is a EVENT`},
			},
		},
		{
			name: "quotes must come from the text",
			input: `{"dossier": "d1", "article": {"title": "T", "text": "Bob said “we’re  fine” today."},
				"entities": [{"key": "bob", "kind": "PERSON", "name": "Bob", "quote": "Robert"},
					{"key": "c", "kind": "COUNTRY", "name": "C"}],
				"relationships": [
					{"from": "bob", "type": "CITIZEN_OF", "to": "c", "quote": "Bob said \"we're fine\""},
					{"from": "bob", "type": "CITIZEN_OF", "to": "c", "role": "x", "quote": "Bob is from C"}],
				"statements": [{"key": "s", "quote": "we are fine", "speaker": {"key": "bob", "quote": "Bob said"}}]}`,
			want: []want{
				{"$.relationships[1].quote", "not found in the article's text"},
				{"$.entities[0].quote", "not found in the article's text"},
				{"$.statements[0].quote", "not found in the article's text"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := dossier.Parse([]byte(tt.input))
			if d != nil {
				t.Errorf("Parse returned a dossier along with problems")
			}
			checkProblems(t, err, tt.want)
		})
	}
}
