package kg

import (
	"strings"
	"testing"
	"time"
)

func TestProposalValidate(t *testing.T) {
	person := Entity{ID: "p-a", Kind: Person, Name: "A"}
	good := func() Proposal {
		e := person
		return Proposal{ID: "prop-1", Article: "a-1", Kind: ProposeEntity, Entity: &e, Quote: "A", Start: 0, End: 1,
			Rule: "r", Confidence: 0.5, Status: ProposalPending}
	}
	for _, tc := range []struct {
		name string
		edit func(p *Proposal)
		want string // a problem's path; "" for none
	}{
		{"valid", func(*Proposal) {}, ""},
		{"no entity", func(p *Proposal) { p.Entity = nil }, "entity"},
		{"bad entity", func(p *Proposal) { p.Entity.Name = "" }, "entity.name"},
		{"entity and relationship", func(p *Proposal) { p.Relationship = &Relationship{Type: Mentions, From: "a-1", To: "p-a"} }, "relationship"},
		{"relationship", func(p *Proposal) {
			p.Kind, p.Entity = ProposeRelationship, nil
			p.Relationship = &Relationship{Type: Mentions, From: "a-1", To: "p-a"}
		}, ""},
		{"relationship to itself", func(p *Proposal) {
			p.Kind, p.Entity = ProposeRelationship, nil
			p.Relationship = &Relationship{Type: Mentions, From: "a-1", To: "a-1"}
		}, "relationship.to"},
		{"unknown type", func(p *Proposal) {
			p.Kind, p.Entity = ProposeRelationship, nil
			p.Relationship = &Relationship{Type: "LIKES", From: "a-1", To: "p-a"}
		}, "relationship.type"},
		{"linked relationship", func(p *Proposal) {
			p.Kind, p.Entity, p.LinkedTo = ProposeRelationship, nil, "p-a"
			p.Relationship = &Relationship{Type: Mentions, From: "a-1", To: "p-a"}
		}, "linkedTo"},
		{"kind", func(p *Proposal) { p.Kind = "IDEA" }, "kind"},
		{"offsets", func(p *Proposal) { p.Start, p.End = 5, 2 }, "end"},
		{"rule", func(p *Proposal) { p.Rule = " " }, "rule"},
		{"confidence", func(p *Proposal) { p.Confidence = 1.5 }, "confidence"},
		{"status", func(p *Proposal) { p.Status = "MAYBE" }, "status"},
		{"id", func(p *Proposal) { p.ID = "" }, "id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := good()
			tc.edit(&p)
			ps := p.Validate("")
			if tc.want == "" {
				if len(ps) > 0 {
					t.Errorf("problems %v", ps)
				}
				return
			}
			for _, pr := range ps {
				if pr.Path == tc.want {
					return
				}
			}
			t.Errorf("problems %v, want one at %q", ps, tc.want)
		})
	}
}

func TestDecideProposals(t *testing.T) {
	article := Entity{ID: "a-1", Kind: Article, Name: "T", Title: "T"}
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	prop := func(id string, status ProposalStatus, conf float64) Proposal {
		e := Entity{ID: "p-" + id, Kind: Person, Name: id}
		return Proposal{ID: id, Article: "a-1", Kind: ProposeEntity, Entity: &e, Rule: "r", Confidence: conf, Status: status}
	}
	rejected := prop("x", ProposalRejected, 0.5)
	rejected.DecidedBy, rejected.DecidedAt = "bob", at
	st := Stored{Entities: map[string]*Entity{"a-1": &article}, Proposals: map[string]Proposal{
		"x": rejected, "y": prop("y", ProposalPending, 0.5), "z": prop("z", ProposalPending, 0.5),
	}}
	b := Batch{Proposals: []Proposal{
		prop("x", ProposalPending, 0.9), // re-read: stays rejected
		prop("y", ProposalPending, 0.7), // re-read: replaced
		prop("z", ProposalPending, 0.5), // unchanged: not written
		prop("new", ProposalPending, 0.6),
	}}
	d, err := Decide(&b, st)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range d.Proposals {
		ids = append(ids, p.ID)
	}
	if got := strings.Join(ids, ","); got != "new,y" {
		t.Errorf("written %s, want new,y", got)
	}
	// Deciding a decided proposal otherwise is a conflict.
	b = Batch{Proposals: []Proposal{prop("x", ProposalAccepted, 0.5)}}
	if _, err := Decide(&b, st); KindOf(err) != KindConflict {
		t.Errorf("accepting a rejected proposal: %v", err)
	}
	// The article must exist and be an article.
	b = Batch{Proposals: []Proposal{prop("w", ProposalPending, 0.5)}}
	b.Proposals[0].Article = "a-missing"
	if _, err := Decide(&b, st); !IsNotFound(err) {
		t.Errorf("a missing article: %v", err)
	}
	// A removal cannot carry proposals.
	b = Batch{Proposals: []Proposal{prop("w", ProposalPending, 0.5)}, Remove: Removal{Entities: []string{"a-1"}}}
	if _, err := Decide(&b, st); KindOf(err) != KindInvalid {
		t.Errorf("a removal with proposals: %v", err)
	}
}
