package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
)

// Proposals: the review queue is written by Apply (Batch.Proposals) with
// the graph, read by id and listed by article and status in id order; a
// decided proposal is never made pending again.

func proposalFixture() (kg.Entity, kg.Entity, []kg.Proposal) {
	article := kg.Entity{ID: "a-review", Kind: kg.Article, Name: "MP quits party", Title: "MP quits party",
		Text: "Jane Roe, an MP, left the Green Party on Monday."}
	other := kg.Entity{ID: "a-other", Kind: kg.Article, Name: "Other", Title: "Other", Text: "Nothing here."}
	person := kg.Entity{ID: "p-jane-roe", Kind: kg.Person, Name: "Jane Roe"}
	party := kg.Entity{ID: "o-green", Kind: kg.Organization, Name: "Green Party", Classification: kg.Party}
	ps := []kg.Proposal{
		{ID: "prop-a", Article: article.ID, Kind: kg.ProposeEntity, Entity: &person, Quote: "Jane Roe", Start: 0, End: 8,
			Rule: "ner/person", Confidence: 0.8, Status: kg.ProposalPending},
		{ID: "prop-b", Article: article.ID, Kind: kg.ProposeEntity, Entity: &party, Quote: "the Green Party", Start: 23, End: 38,
			Rule: "ner/org", Confidence: 0.7, Status: kg.ProposalPending},
		{ID: "prop-c", Article: article.ID, Kind: kg.ProposeRelationship,
			Relationship: &kg.Relationship{Type: kg.MemberOf, From: person.ID, To: party.ID, Until: kg.MustDate("2024-03")},
			Quote:        "Jane Roe, an MP, left the Green Party", Start: 0, End: 38, Rule: "relate/departure", Confidence: 0.6,
			Status: kg.ProposalPending},
		{ID: "prop-d", Article: other.ID, Kind: kg.ProposeEntity, Entity: &party, Quote: "x", Start: 0, End: 1,
			Rule: "ner/org", Confidence: 0.5, Status: kg.ProposalPending},
	}
	return article, other, ps
}

func (s suite) testProposals(t *testing.T) {
	ctx := context.Background()
	article, other, props := proposalFixture()
	decidedAt := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)

	get := func(t *testing.T, st kg.Store, ids ...string) map[string]kg.Proposal {
		t.Helper()
		m, err := st.Proposals(ctx, ids)
		if err != nil {
			t.Fatalf("Proposals: %v", err)
		}
		return m
	}
	list := func(t *testing.T, st kg.Store, q kg.ProposalQuery) (ids []string, total int) {
		t.Helper()
		for {
			page, err := st.ListProposals(ctx, q)
			if err != nil {
				t.Fatalf("ListProposals(%+v): %v", q, err)
			}
			if len(page.Proposals) > q.First {
				t.Fatalf("ListProposals returned %d for first %d", len(page.Proposals), q.First)
			}
			total = page.TotalCount
			for _, p := range page.Proposals {
				ids = append(ids, p.ID)
			}
			if !page.HasNextPage {
				return ids, total
			}
			q.After = page.Proposals[len(page.Proposals)-1].ID
		}
	}

	t.Run("WriteReadList", func(t *testing.T) {
		st := s.open(t)
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{article, other}, Proposals: props,
			Audit: &kg.AuditMeta{Actor: "alice", Op: "ingestArticle"}})
		got := get(t, st, "prop-a", "prop-c", "prop-missing")
		if len(got) != 2 {
			t.Fatalf("Proposals = %d, want 2 (a missing id is absent)", len(got))
		}
		if diff := cmp.Diff(props[2], got["prop-c"], cmpOpts...); diff != "" {
			t.Errorf("prop-c (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(props[0], got["prop-a"], cmpOpts...); diff != "" {
			t.Errorf("prop-a (-want +got):\n%s", diff)
		}
		ids, total := list(t, st, kg.ProposalQuery{Article: article.ID, First: 2})
		if diff := cmp.Diff([]string{"prop-a", "prop-b", "prop-c"}, ids); diff != "" || total != 3 {
			t.Errorf("article's proposals (-want +got):\n%s total %d", diff, total)
		}
		ids, total = list(t, st, kg.ProposalQuery{First: 3})
		if len(ids) != 4 || total != 4 || ids[3] != "prop-d" {
			t.Errorf("all proposals = %v (total %d)", ids, total)
		}
		recs := auditLog(t, st, kg.AuditQuery{Entity: "prop-b"})
		if len(recs) != 1 || len(recs[0].Proposals) != 4 || recs[0].Proposals[1].Before != nil {
			t.Errorf("audit of the ingest = %+v", recs)
		}
		// Writing the same again changes nothing and records nothing.
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{article, other}, Proposals: props,
			Audit: &kg.AuditMeta{Actor: "alice", Op: "ingestArticle"}})
		if recs := auditLog(t, st, kg.AuditQuery{Entity: "prop-b"}); len(recs) != 1 {
			t.Errorf("writing the same proposals again recorded %d records", len(recs))
		}
	})

	t.Run("DecidedStaysDecided", func(t *testing.T) {
		st := s.open(t)
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{article, other}, Proposals: props})
		rejected := props[1]
		rejected.Status, rejected.DecidedBy, rejected.DecidedAt = kg.ProposalRejected, "bob", decidedAt
		mustApply(t, st, kg.Batch{Proposals: []kg.Proposal{rejected}, Audit: &kg.AuditMeta{Actor: "bob", Op: "rejectProposal"}})
		if diff := cmp.Diff(rejected, get(t, st, "prop-b")["prop-b"], cmpOpts...); diff != "" {
			t.Errorf("rejected (-want +got):\n%s", diff)
		}
		// Re-ingesting writes it pending: it stays rejected.
		again := props[1]
		again.Confidence = 0.99
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{article}, Proposals: []kg.Proposal{again}})
		if got := get(t, st, "prop-b")["prop-b"]; got.Status != kg.ProposalRejected || got.Confidence != 0.7 {
			t.Errorf("re-ingested rejected proposal = %+v", got)
		}
		ids, total := list(t, st, kg.ProposalQuery{Article: article.ID, Status: kg.ProposalPending, First: 10})
		if diff := cmp.Diff([]string{"prop-a", "prop-c"}, ids); diff != "" || total != 2 {
			t.Errorf("pending (-want +got):\n%s total %d", diff, total)
		}
		ids, _ = list(t, st, kg.ProposalQuery{Status: kg.ProposalRejected, First: 10})
		if diff := cmp.Diff([]string{"prop-b"}, ids); diff != "" {
			t.Errorf("rejected (-want +got):\n%s", diff)
		}
		// Accepting a rejected proposal is a conflict, and the batch's
		// graph part is not written either.
		accepted := props[1]
		accepted.Status = kg.ProposalAccepted
		party := *props[1].Entity
		err := st.Apply(ctx, kg.Batch{Entities: []kg.Entity{party}, Proposals: []kg.Proposal{accepted}})
		wantKind(t, err, kg.KindConflict)
		if m, _ := st.Entities(ctx, []string{party.ID}); len(m) != 0 {
			t.Errorf("a refused accept wrote %v", m)
		}
	})

	t.Run("AcceptWithTheGraph", func(t *testing.T) {
		st := s.open(t)
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{article}, Proposals: props[:3]})
		var acc []kg.Proposal
		for _, p := range props[:3] {
			p.Status, p.DecidedBy, p.DecidedAt = kg.ProposalAccepted, "alice", decidedAt
			acc = append(acc, p)
		}
		r := *props[2].Relationship
		r.ID = kg.RelationshipID(r.Type, r.From, r.To, r.Role)
		r.Evidence = []kg.Evidence{{Article: article.ID, Quote: props[2].Quote, Confidence: props[2].Confidence}}
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{*props[0].Entity, *props[1].Entity}, Relationships: []kg.Relationship{r},
			Proposals: acc, Audit: &kg.AuditMeta{Actor: "alice", Op: "acceptProposal"}})
		if got := rel(t, st, r.ID); len(got.Evidence) != 1 || got.Evidence[0].Article != article.ID {
			t.Errorf("accepted relationship = %+v", got)
		}
		for id, p := range get(t, st, "prop-a", "prop-b", "prop-c") {
			if p.Status != kg.ProposalAccepted || p.DecidedBy != "alice" || !p.DecidedAt.Equal(decidedAt) {
				t.Errorf("%s = %+v", id, p)
			}
		}
		recs := auditLog(t, st, kg.AuditQuery{Entity: "prop-c"})
		if len(recs) != 1 || len(recs[0].Proposals) != 3 || len(recs[0].Relationships) != 1 || len(recs[0].Entities) != 2 {
			t.Fatalf("audit of the accept = %+v", recs)
		}
		if b := recs[0].Proposals[2].Before; b == nil || b.Status != kg.ProposalPending {
			t.Errorf("accept's record has before %+v", b)
		}
	})

	admin := kg.AuditMeta{Actor: "root", Op: "revertWrite"}
	ingest := func(op string) *kg.AuditMeta { return &kg.AuditMeta{Actor: "alice", Op: op} }
	last := func(t *testing.T, st kg.Store, subject string) kg.AuditRecord {
		t.Helper()
		recs := auditLog(t, st, kg.AuditQuery{Entity: subject})
		if len(recs) == 0 {
			t.Fatalf("no audit record names %q", subject)
		}
		return recs[len(recs)-1]
	}
	revert := func(t *testing.T, st kg.Store, id string) kg.AuditRecord {
		t.Helper()
		rec, err := st.Revert(ctx, id, admin)
		if err != nil {
			t.Fatalf("Revert(%s): %v", id, err)
		}
		return rec
	}
	statuses := func(t *testing.T, st kg.Store, ids ...string) map[string]kg.ProposalStatus {
		t.Helper()
		out := map[string]kg.ProposalStatus{}
		for id, p := range get(t, st, ids...) {
			out[id] = p.Status
		}
		return out
	}

	t.Run("RevertAcceptIsPendingAgain", func(t *testing.T) {
		st := s.open(t)
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{article}, Proposals: props[:3], Audit: ingest("ingestArticle")})
		acc := props[0]
		acc.Status, acc.DecidedBy, acc.DecidedAt = kg.ProposalAccepted, "alice", decidedAt
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{*props[0].Entity}, Proposals: []kg.Proposal{acc}, Audit: ingest("acceptProposal")})
		accept := last(t, st, "prop-a")
		rv := revert(t, st, accept.ID)
		if diff := cmp.Diff(props[0], get(t, st, "prop-a")["prop-a"], cmpOpts...); diff != "" {
			t.Errorf("reverted accept: proposal (-want pending as before +got):\n%s", diff)
		}
		if m, _ := st.Entities(ctx, []string{"p-jane-roe"}); len(m) != 0 {
			t.Errorf("reverted accept kept the entity it wrote: %v", m)
		}
		if len(rv.Proposals) != 1 || rv.Proposals[0].After == nil || rv.Proposals[0].After.Status != kg.ProposalPending ||
			rv.Proposals[0].Before == nil || rv.Proposals[0].Before.Status != kg.ProposalAccepted {
			t.Errorf("the revert's record has proposals %+v, want ACCEPTED -> PENDING", rv.Proposals)
		}
		// Reverting the revert accepts it again.
		revert(t, st, rv.ID)
		if got := statuses(t, st, "prop-a"); got["prop-a"] != kg.ProposalAccepted {
			t.Errorf("revert of the revert left prop-a %s", got["prop-a"])
		}
	})

	t.Run("RevertIngestAfterADecision", func(t *testing.T) {
		st := s.open(t)
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{article}, Proposals: props[:3], Audit: ingest("ingestArticle")})
		first := last(t, st, article.ID)
		rej := props[1]
		rej.Status, rej.DecidedBy, rej.DecidedAt = kg.ProposalRejected, "bob", decidedAt
		mustApply(t, st, kg.Batch{Proposals: []kg.Proposal{rej}, Audit: ingest("rejectProposal")})
		reject := last(t, st, "prop-b")
		// The ingest cannot be undone under the later decision ...
		_, err := st.Revert(ctx, first.ID, admin)
		wantKind(t, err, kg.KindConflict)
		if got := statuses(t, st, "prop-a", "prop-b", "prop-c"); len(got) != 3 || got["prop-b"] != kg.ProposalRejected {
			t.Errorf("a refused revert changed the proposals: %v", got)
		}
		// ... until the decision is reverted (pending again) ...
		revert(t, st, reject.ID)
		if got := statuses(t, st, "prop-b"); got["prop-b"] != kg.ProposalPending {
			t.Errorf("reverted reject left prop-b %s", got["prop-b"])
		}
		// ... and then the ingest's proposals go with its article.
		revert(t, st, first.ID)
		if m := get(t, st, "prop-a", "prop-b", "prop-c"); len(m) != 0 {
			t.Errorf("reverted ingest kept proposals %v", m)
		}
		if ids, total := list(t, st, kg.ProposalQuery{Article: article.ID, First: 10}); len(ids) != 0 || total != 0 {
			t.Errorf("reverted ingest left %v (total %d) listed", ids, total)
		}
	})

	t.Run("DeleteArticleRemovesProposals", func(t *testing.T) {
		st := s.open(t)
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{article, other}, Proposals: props})
		rej := props[1]
		rej.Status, rej.DecidedBy, rej.DecidedAt = kg.ProposalRejected, "bob", decidedAt
		mustApply(t, st, kg.Batch{Proposals: []kg.Proposal{rej}})
		mustApply(t, st, kg.Batch{Remove: kg.Removal{Entities: []string{article.ID}}, Audit: ingest("deleteEntity")})
		if m := get(t, st, "prop-a", "prop-b", "prop-c"); len(m) != 0 {
			t.Errorf("deleting the article kept its proposals %v", m)
		}
		if ids, total := list(t, st, kg.ProposalQuery{First: 10}); !cmp.Equal(ids, []string{"prop-d"}) || total != 1 {
			t.Errorf("after the delete, proposals = %v (total %d), want the other article's prop-d", ids, total)
		}
		if ids, total := list(t, st, kg.ProposalQuery{Status: kg.ProposalRejected, First: 10}); len(ids) != 0 || total != 0 {
			t.Errorf("after the delete, rejected = %v (total %d)", ids, total)
		}
		del := last(t, st, "prop-b")
		if del.Op != "deleteEntity" || len(del.Proposals) != 3 || del.Proposals[1].After != nil || del.Proposals[1].Before.Status != kg.ProposalRejected {
			t.Fatalf("the delete's record = %+v", del)
		}
		// Reverting the delete brings the article back with its proposals.
		revert(t, st, del.ID)
		if diff := cmp.Diff(map[string]kg.ProposalStatus{"prop-a": kg.ProposalPending, "prop-b": kg.ProposalRejected, "prop-c": kg.ProposalPending},
			statuses(t, st, "prop-a", "prop-b", "prop-c")); diff != "" {
			t.Errorf("after reverting the delete (-want +got):\n%s", diff)
		}
		if ids, total := list(t, st, kg.ProposalQuery{Article: article.ID, First: 10}); len(ids) != 3 || total != 3 {
			t.Errorf("after reverting the delete, the article lists %v (total %d)", ids, total)
		}
	})

	t.Run("NewReadingSupersedes", func(t *testing.T) {
		st := s.open(t)
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{article, other}, Proposals: props, Reading: article.ID})
		acc := props[0]
		acc.Status, acc.DecidedBy, acc.DecidedAt = kg.ProposalAccepted, "alice", decidedAt
		rej := props[1]
		rej.Status, rej.DecidedBy, rej.DecidedAt = kg.ProposalRejected, "bob", decidedAt
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{*props[0].Entity}, Proposals: []kg.Proposal{acc, rej}})
		// A new reading makes prop-e and none of the earlier ones: the
		// pending prop-c goes, the decided ones and the other article's
		// prop-d stay.
		fresh := props[2]
		fresh.ID, fresh.Rule, fresh.Relationship = "prop-e", "relate/new", &kg.Relationship{Type: kg.MemberOf, From: "p-jane-roe", To: "o-green"}
		var decided []kg.Decision
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{article}, Proposals: []kg.Proposal{fresh}, Reading: article.ID,
			Audit: ingest("ingestArticle"), Decided: func(d kg.Decision) { decided = append(decided, d) }})
		want := map[string]kg.ProposalStatus{"prop-a": kg.ProposalAccepted, "prop-b": kg.ProposalRejected, "prop-d": kg.ProposalPending, "prop-e": kg.ProposalPending}
		if diff := cmp.Diff(want, statuses(t, st, "prop-a", "prop-b", "prop-c", "prop-d", "prop-e")); diff != "" {
			t.Errorf("after the new reading (-want +got):\n%s", diff)
		}
		if len(decided) != 1 || len(decided[0].RemoveProposals) != 1 || decided[0].RemoveProposals[0].ID != "prop-c" {
			t.Errorf("decision = %+v, want prop-c removed", decided)
		}
		if ids, total := list(t, st, kg.ProposalQuery{Article: article.ID, Status: kg.ProposalPending, First: 10}); !cmp.Equal(ids, []string{"prop-e"}) || total != 1 {
			t.Errorf("pending after the new reading = %v (total %d)", ids, total)
		}
		// Reverting the reading brings back what it superseded.
		revert(t, st, last(t, st, "prop-e").ID)
		want = map[string]kg.ProposalStatus{"prop-a": kg.ProposalAccepted, "prop-b": kg.ProposalRejected, "prop-c": kg.ProposalPending, "prop-d": kg.ProposalPending}
		if diff := cmp.Diff(want, statuses(t, st, "prop-a", "prop-b", "prop-c", "prop-d", "prop-e")); diff != "" {
			t.Errorf("after reverting the new reading (-want +got):\n%s", diff)
		}
	})

	t.Run("References", func(t *testing.T) {
		st := s.open(t)
		// The article must exist, and be an article.
		wantKind(t, st.Apply(ctx, kg.Batch{Proposals: props[:1]}), kg.KindNotFound)
		p := props[0]
		p.Article = "p-jane-roe"
		err := st.Apply(ctx, kg.Batch{Entities: []kg.Entity{*props[0].Entity}, Proposals: []kg.Proposal{p}})
		wantKind(t, err, kg.KindInvalid)
		if m := get(t, st, "prop-a"); len(m) != 0 {
			t.Errorf("refused writes stored %v", m)
		}
		if m, _ := st.Entities(ctx, []string{"p-jane-roe"}); len(m) != 0 {
			t.Errorf("a refused write stored %v", m)
		}
		// A proposal cannot move to another article.
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{article, other}, Proposals: props[:1]})
		moved := props[0]
		moved.Article = other.ID
		wantKind(t, st.Apply(ctx, kg.Batch{Proposals: []kg.Proposal{moved}}), kg.KindConflict)
	})
}
