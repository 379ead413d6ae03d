package kg_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/kg/kgtest"
	"github.com/polgraph/polgraph/internal/store/teststore"
)

const reviewArticle = `Green MP quits party
Jane Roe, a member of the Green Party, said on Monday she would leave the Green Party to sit as an independent.
The Daily Times reported that John Smith had asked her to stay.`

func reviewService(t *testing.T) (*kg.Service, kg.Store) {
	t.Helper()
	st := teststore.Open(t)
	return kg.NewService(st, kg.DefaultLimits).WithExtractor(kgtest.Extractor{}), st
}

func byRule(ps []kg.Proposal, rule string) []kg.Proposal {
	var out []kg.Proposal
	for _, p := range ps {
		if p.Rule == rule {
			out = append(out, p)
		}
	}
	return out
}

func TestIngestArticleReview(t *testing.T) {
	ctx := context.Background()
	svc, st := reviewService(t)
	res, err := svc.IngestArticle(ctx, kg.ArticleInput{Text: reviewArticle, URL: "https://example.org/green-mp",
		Outlet: "Daily Times", Published: kg.MustDate("2024-03-04")})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Article
	if a.Kind != kg.Article || a.Title != "Green MP quits party" || a.Outlet != "outlet-daily-times" || a.ID != kg.ArticleID("https://example.org/green-mp", "") {
		t.Fatalf("article = %+v", a)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped %v", res.Skipped)
	}
	pub, err := svc.Relationships(ctx, kg.RelQuery{Entity: a.ID, Direction: kg.Out, Types: []kg.RelType{kg.PublishedBy}}, nil)
	if err != nil || len(pub.Edges) != 1 || pub.Edges[0].Relationship.To != "outlet-daily-times" {
		t.Fatalf("PUBLISHED_BY = %+v, %v", pub, err)
	}
	members := byRule(res.Proposals, "kgtest/membership")
	if len(members) != 1 {
		t.Fatalf("membership proposals = %+v", members)
	}
	for _, p := range res.Proposals {
		if p.Status != kg.ProposalPending || p.Article != a.ID {
			t.Errorf("proposal %s = %+v", p.ID, p)
		}
		if got := string([]rune(a.Text)[p.Start:p.End]); !strings.Contains(got, strings.TrimSpace(p.Quote)) {
			t.Errorf("proposal %s: text[%d:%d] = %q, quote %q", p.ID, p.Start, p.End, got, p.Quote)
		}
	}
	page, err := svc.ListProposals(ctx, a.ID, kg.ProposalPending, nil, "")
	if err != nil || page.TotalCount != len(res.Proposals) {
		t.Fatalf("pending = %d of %d, %v", page.TotalCount, len(res.Proposals), err)
	}

	// Accepting the membership accepts the two entities it needs and
	// writes an ordinary relationship with the quote as evidence.
	m := members[0]
	got, err := svc.AcceptProposal(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != kg.ProposalAccepted || got.DecidedBy != kg.ActorSystem || got.DecidedAt.IsZero() {
		t.Errorf("accepted = %+v", got)
	}
	r, err := svc.Relationship(ctx, kg.RelationshipID(kg.MemberOf, "p-jane-roe", "o-green-party", ""))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Evidence) != 1 || r.Evidence[0].Article != a.ID || r.Evidence[0].Quote != m.Quote || r.Evidence[0].Confidence != m.Confidence {
		t.Errorf("evidence = %+v", r.Evidence)
	}
	for _, id := range []string{"p-jane-roe", "o-green-party"} {
		if _, err := svc.Entity(ctx, id); err != nil {
			t.Errorf("entity %s: %v", id, err)
		}
	}
	accepted, _ := svc.ListProposals(ctx, a.ID, kg.ProposalAccepted, nil, "")
	if accepted.TotalCount != 3 {
		t.Errorf("accepted %d proposals, want 3 (the relationship and its two ends)", accepted.TotalCount)
	}
	// Accepting it again changes nothing; rejecting it is a conflict.
	if again, err := svc.AcceptProposal(ctx, m.ID); err != nil || again.DecidedAt != got.DecidedAt {
		t.Errorf("accepting again = %+v, %v", again, err)
	}
	if _, err := svc.RejectProposal(ctx, m.ID); kg.KindOf(err) != kg.KindConflict {
		t.Errorf("rejecting an accepted proposal: %v", err)
	}

	// Reject the person John Smith; re-ingesting does not propose him again.
	var smith kg.Proposal
	for _, p := range byRule(res.Proposals, "kgtest/name") {
		if p.Entity.Name == "John Smith" {
			smith = p
		}
	}
	if smith.ID == "" {
		t.Fatal("no proposal for John Smith")
	}
	if rej, err := svc.RejectProposal(ctx, smith.ID); err != nil || rej.Status != kg.ProposalRejected {
		t.Fatalf("reject = %+v, %v", rej, err)
	}
	// A relationship to a rejected entity cannot be accepted.
	for _, p := range byRule(res.Proposals, "kgtest/mentions") {
		if p.Relationship.To == smith.Entity.ID {
			if _, err := svc.AcceptProposal(ctx, p.ID); kg.KindOf(err) != kg.KindInvalid {
				t.Errorf("accepting a mention of a rejected entity: %v", err)
			}
		}
	}
	zero := 0.0
	res2, err := svc.IngestArticle(ctx, kg.ArticleInput{Text: reviewArticle, URL: "https://example.org/green-mp", AutoAccept: &zero})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Article.Outlet != "outlet-daily-times" {
		t.Errorf("re-ingest lost the outlet: %+v", res2.Article)
	}
	for _, p := range res2.Proposals {
		switch {
		case p.ID == smith.ID && p.Status != kg.ProposalRejected:
			t.Errorf("re-ingest made the rejected proposal %s", p.Status)
		case p.ID != smith.ID && p.Status == kg.ProposalPending && !(p.Kind == kg.ProposeRelationship && p.Relationship.To == smith.Entity.ID):
			t.Errorf("auto-accept 0 left %s (%s) pending", p.ID, p.Rule)
		}
	}
	if _, err := svc.Entity(ctx, smith.Entity.ID); !kg.IsNotFound(err) {
		t.Errorf("the rejected person was written: %v", err)
	}
	if len(res2.Skipped) == 0 {
		t.Errorf("the mention of the rejected person should be reported as not accepted")
	}
	mentions, err := svc.Relationships(ctx, kg.RelQuery{Entity: a.ID, Direction: kg.Out, Types: []kg.RelType{kg.Mentions}}, nil)
	if err != nil || len(mentions.Edges) == 0 {
		t.Errorf("mentions after auto-accept = %+v, %v", mentions, err)
	}
	recs, err := svc.AuditLog(ctx, kg.AuditQuery{Entity: smith.ID}, nil)
	if err != nil || len(recs.Records) != 2 || recs.Records[1].Op != "rejectProposal" {
		t.Errorf("audit of the rejected proposal = %+v, %v", recs.Records, err)
	}
	_ = st
}

func TestEditProposal(t *testing.T) {
	ctx := context.Background()
	svc, _ := reviewService(t)
	res, err := svc.IngestArticle(ctx, kg.ArticleInput{Text: reviewArticle, Title: "Green MP"})
	if err != nil {
		t.Fatal(err)
	}
	m := byRule(res.Proposals, "kgtest/membership")[0]
	role := kg.Relationship{Type: kg.MemberOf, From: m.Relationship.From, To: m.Relationship.To, Role: "MP", Until: kg.MustDate("2024-03-04")}
	ed, err := svc.EditProposal(ctx, m.ID, kg.ProposalEdit{Relationship: &role})
	if err != nil || ed.Relationship.Role != "MP" || ed.Status != kg.ProposalPending {
		t.Fatalf("edit = %+v, %v", ed, err)
	}
	bad := role
	bad.Type = kg.PublishedBy
	if _, err := svc.AcceptProposal(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Relationship(ctx, kg.RelationshipID(kg.MemberOf, role.From, role.To, "MP")); err != nil {
		t.Errorf("the edited relationship was not written: %v", err)
	}
	if _, err := svc.EditProposal(ctx, m.ID, kg.ProposalEdit{Relationship: &bad}); kg.KindOf(err) != kg.KindConflict {
		t.Errorf("editing an accepted proposal: %v", err)
	}
	// Invalid edits name the field.
	var person kg.Proposal
	for _, p := range byRule(res.Proposals, "kgtest/name") {
		if p.Entity.Name == "John Smith" {
			person = p
		}
	}
	empty := kg.Entity{Kind: kg.Person}
	_, err = svc.EditProposal(ctx, person.ID, kg.ProposalEdit{Entity: &empty})
	if ps := kg.ProblemsOf(err); kg.KindOf(err) != kg.KindInvalid || len(ps) == 0 || ps[0].Path != "entity.name" {
		t.Errorf("empty name: %v", err)
	}
	nowhere := "p-nobody"
	if _, err := svc.EditProposal(ctx, person.ID, kg.ProposalEdit{LinkedTo: &nowhere}); !kg.IsNotFound(err) {
		t.Errorf("linking to a missing entity: %v", err)
	}
	// Editors only.
	reader := kg.WithPrincipal(ctx, kg.Principal{Name: "r", Role: kg.RoleReader, Authenticated: true})
	if _, err := svc.AcceptProposal(reader, person.ID); kg.KindOf(err) != kg.KindForbidden {
		t.Errorf("a reader accepted: %v", err)
	}
	if _, err := svc.IngestArticle(reader, kg.ArticleInput{Text: "x"}); kg.KindOf(err) != kg.KindForbidden {
		t.Errorf("a reader ingested: %v", err)
	}
}

func TestIngestArticleInvalid(t *testing.T) {
	ctx := context.Background()
	svc, _ := reviewService(t)
	two := 2.0
	_, err := svc.IngestArticle(ctx, kg.ArticleInput{Text: "  ", AutoAccept: &two})
	ps := kg.ProblemsOf(err)
	if kg.KindOf(err) != kg.KindInvalid || len(ps) != 2 || ps[0].Path != "text" || ps[1].Path != "autoAccept" {
		t.Errorf("bad input: %v", err)
	}
	if _, err := kg.NewService(teststore.Open(t), kg.DefaultLimits).IngestArticle(ctx, kg.ArticleInput{Text: "x"}); kg.KindOf(err) != kg.KindUnavailable {
		t.Errorf("without an extractor: %v", err)
	}
	if _, err := svc.ListProposals(ctx, "", "MAYBE", nil, ""); kg.KindOf(err) != kg.KindInvalid {
		t.Errorf("bad status: %v", err)
	}
	if _, err := svc.ListProposals(ctx, "nope", "", nil, ""); !kg.IsNotFound(err) {
		t.Errorf("missing article: %v", err)
	}
}

// A new reading of an article removes the pending proposals it no longer
// makes; decided ones stay, and the write is recorded and revertible.
func TestReingestSupersedesPending(t *testing.T) {
	ctx := context.Background()
	svc, _ := reviewService(t)
	const url = "https://example.org/green-mp"
	first, err := svc.IngestArticle(ctx, kg.ArticleInput{Text: reviewArticle, URL: url})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Superseded) != 0 {
		t.Errorf("a first reading superseded %v", first.Superseded)
	}
	var smith, smithMention kg.Proposal
	for _, p := range first.Proposals {
		switch {
		case p.Kind == kg.ProposeEntity && p.Entity.Name == "John Smith":
			smith = p
		case p.Kind == kg.ProposeRelationship && p.Relationship.To == "p-john-smith":
			smithMention = p
		}
	}
	if smith.ID == "" || smithMention.ID == "" {
		t.Fatalf("no proposals for John Smith in %+v", first.Proposals)
	}
	if _, err := svc.RejectProposal(ctx, smith.ID); err != nil {
		t.Fatal(err)
	}

	// The article now says nothing of John Smith.
	text := strings.SplitAfter(reviewArticle, "independent.")[0]
	second, err := svc.IngestArticle(ctx, kg.ArticleInput{Text: text, URL: url})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(second.Superseded, smithMention.ID) || slices.Contains(second.Superseded, smith.ID) {
		t.Errorf("superseded %v, want the pending mention %s and not the rejected %s", second.Superseded, smithMention.ID, smith.ID)
	}
	if _, err := svc.Proposal(ctx, smithMention.ID); !kg.IsNotFound(err) {
		t.Errorf("the superseded mention is still stored: %v", err)
	}
	if p, err := svc.Proposal(ctx, smith.ID); err != nil || p.Status != kg.ProposalRejected {
		t.Errorf("the rejected proposal after the new reading = %+v, %v", p, err)
	}
	page, err := svc.ListProposals(ctx, first.Article.ID, kg.ProposalPending, nil, "")
	if err != nil || page.TotalCount != second.Pending() {
		t.Errorf("pending after the new reading = %d, %v; the reading reports %d", page.TotalCount, err, second.Pending())
	}
	for _, p := range page.Proposals {
		if !slices.ContainsFunc(second.Proposals, func(q kg.Proposal) bool { return q.ID == p.ID }) {
			t.Errorf("pending %s (%s) is not of the new reading", p.ID, p.Rule)
		}
	}

	// Reverting the new reading brings the mention back, pending.
	recs, err := svc.AuditLog(ctx, kg.AuditQuery{Entity: smithMention.ID}, nil)
	if err != nil || len(recs.Records) != 2 {
		t.Fatalf("audit of the mention = %+v, %v", recs, err)
	}
	if _, err := svc.RevertWrite(ctx, recs.Records[1].ID); err != nil {
		t.Fatal(err)
	}
	if p, err := svc.Proposal(ctx, smithMention.ID); err != nil || p.Status != kg.ProposalPending {
		t.Errorf("after reverting the new reading, the mention = %+v, %v", p, err)
	}
}

// Reverting an accept puts the proposal back in the queue; deleting the
// article removes its queue.
func TestRevertAcceptAndDeleteArticle(t *testing.T) {
	ctx := context.Background()
	svc, _ := reviewService(t)
	res, err := svc.IngestArticle(ctx, kg.ArticleInput{Text: reviewArticle, Title: "Green MP"})
	if err != nil {
		t.Fatal(err)
	}
	members := byRule(res.Proposals, "kgtest/membership")
	if len(members) != 1 {
		t.Fatalf("membership proposals = %+v", members)
	}
	if _, err := svc.AcceptProposal(ctx, members[0].ID); err != nil {
		t.Fatal(err)
	}
	recs, err := svc.AuditLog(ctx, kg.AuditQuery{Entity: members[0].ID}, nil)
	if err != nil || len(recs.Records) != 2 || recs.Records[1].Op != "acceptProposal" {
		t.Fatalf("audit of the accepted proposal = %+v, %v", recs, err)
	}
	rv, err := svc.RevertWrite(ctx, recs.Records[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rv.Proposals) != 3 {
		t.Errorf("the revert recorded %d proposal changes, want 3 (the relationship and its two ends)", len(rv.Proposals))
	}
	page, err := svc.ListProposals(ctx, res.Article.ID, kg.ProposalPending, nil, "")
	if err != nil || page.TotalCount != res.Pending() {
		t.Errorf("pending after reverting the accept = %d, %v; want all %d again", page.TotalCount, err, res.Pending())
	}
	if _, err := svc.Entity(ctx, "p-jane-roe"); !kg.IsNotFound(err) {
		t.Errorf("the accepted person is still stored: %v", err)
	}
	// Accepted again, as if never decided.
	if p, err := svc.AcceptProposal(ctx, members[0].ID); err != nil || p.Status != kg.ProposalAccepted {
		t.Errorf("accepting again = %+v, %v", p, err)
	}
	if _, err := svc.RevertWrite(ctx, recs.Records[1].ID); kg.KindOf(err) != kg.KindConflict {
		t.Errorf("reverting the first accept under the second: %v, want a conflict", err)
	}

	// The article is cited by the accepted membership: retract it, then
	// delete it; its proposals, decided or not, go with it.
	if _, err := svc.RetractArticle(ctx, res.Article.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DeleteEntity(ctx, res.Article.ID, true); err != nil {
		t.Fatal(err)
	}
	all, err := svc.ListProposals(ctx, "", "", nil, "")
	if err != nil || all.TotalCount != 0 {
		t.Errorf("proposals after deleting the article = %+v, %v", all, err)
	}
}
