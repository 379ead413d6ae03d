package eval

import (
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

const gold = `{"article":"a1",
 "entities":[{"key":"p","kind":"PERSON","name":"Ana Lopes","aliases":["Ms Lopes"]},{"key":"o","kind":"ORGANIZATION","name":"Podemos"}],
 "relationships":[{"from":"p","type":"MEMBER_OF","to":"o"},{"from":"article","type":"MENTIONS","to":"p"}],
 "allegations":[{"key":"al","accused":["p"],"deniedBy":["p"]}],
 "statements":[{"speaker":"p","quote":"We will win."}],
 "events":[{"type":"arrest","participants":["p"]}]}`

func TestEvaluate(t *testing.T) {
	g, err := Read(strings.NewReader(gold), "gold")
	if err != nil {
		t.Fatal(err)
	}
	ent := func(id string, k kg.Kind, name string) kg.Proposal {
		return kg.Proposal{Kind: kg.ProposeEntity, Entity: &kg.Entity{ID: id, Kind: k, Name: name}}
	}
	rel := func(from string, ty kg.RelType, to string) kg.Proposal {
		return kg.Proposal{Kind: kg.ProposeRelationship, Relationship: &kg.Relationship{From: from, Type: ty, To: to}}
	}
	st := kg.Proposal{Kind: kg.ProposeEntity, Entity: &kg.Entity{ID: "s1", Kind: kg.Statement, Name: "s", Speaker: "x-lopes", Quote: "“We will win,” she"}}
	ev := kg.Proposal{Kind: kg.ProposeEntity, Entity: &kg.Entity{ID: "e1", Kind: kg.Event, Name: "e", EventType: "arrest"}}
	props := []kg.Proposal{
		ent("x-lopes", kg.Person, "Ms Lopes"), ent("x-vox", kg.Organization, "Vox"),
		rel("x-lopes", kg.MemberOf, "x-vox"), rel("a1", kg.Mentions, "x-lopes"),
		ent("al1", kg.Allegation, "a"), rel("x-lopes", kg.AccusedIn, "al1"), rel("x-lopes", kg.DeniedBy, "al1"),
		st, ev, rel("x-lopes", kg.ParticipatedIn, "e1"),
	}
	rep := Evaluate(g, props)
	for _, tc := range []struct {
		cat        string
		tp, fp, fn int
	}{
		{"entities", 1, 1, 1},
		{"mp-party", 0, 1, 1},
		{"article-source", 1, 0, 0},
		{"accused-allegation", 2, 0, 0},
		{"relationships", 3, 1, 1},
		{"allegations", 1, 0, 0},
		{"statements", 1, 0, 0},
		{"events", 1, 0, 0},
	} {
		s := rep.Get(tc.cat)
		if s.TP != tc.tp || s.FP != tc.fp || s.FN != tc.fn {
			t.Errorf("%s: tp/fp/fn %d/%d/%d, want %d/%d/%d", tc.cat, s.TP, s.FP, s.FN, tc.tp, tc.fp, tc.fn)
		}
	}
	if f := rep.Get("relationships").F1(); f < 0.74 || f > 0.76 {
		t.Errorf("relationship F1 %.3f, want 0.75", f)
	}
}

func TestReadRejectsUnknownKeys(t *testing.T) {
	_, err := Read(strings.NewReader(`{"article":"a","entities":[],"relationships":[{"from":"nobody","type":"MEMBER_OF","to":"article"}]}`), "g.json")
	if err == nil || !strings.Contains(err.Error(), `unknown key "nobody"`) {
		t.Fatalf("err = %v, want unknown key", err)
	}
}

// A gold relationship of a type no family scores is refused when read
// (Evaluate would have no score to count it in).
func TestReadRejectsUnscoredTypes(t *testing.T) {
	_, err := Read(strings.NewReader(`{"article":"a","entities":[{"key":"p","kind":"PERSON","name":"P"},{"key":"q","kind":"PERSON","name":"Q"}],"relationships":[{"from":"p","type":"FAMILY_OF","to":"q"}]}`), "g.json")
	if err == nil || !strings.Contains(err.Error(), "none of the scored families") {
		t.Fatalf("err = %v, want the type refused", err)
	}
}
