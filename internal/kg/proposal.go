package kg

import (
	"context"
	"math"
	"strings"
	"time"
)

// Proposals are what extraction reads in an article (internal/extract):
// an entity or a relationship the article asserts, with the passage that
// supports it, waiting for an analyst to accept or reject it. Accepted
// proposals become ordinary entities and relationships with evidence;
// rejected ones are remembered, so re-reading the article does not
// propose them again.

// ProposalKind says what a proposal proposes.
type ProposalKind string

const (
	ProposeEntity       ProposalKind = "ENTITY"
	ProposeRelationship ProposalKind = "RELATIONSHIP"
)

// ProposalStatus is where a proposal is in review.
type ProposalStatus string

const (
	ProposalPending  ProposalStatus = "PENDING"
	ProposalAccepted ProposalStatus = "ACCEPTED"
	ProposalRejected ProposalStatus = "REJECTED"
)

// Proposal is one thing an extractor read in an article.
type Proposal struct {
	// ID is stable: the same article, kind and content give the same id
	// (so re-ingesting finds earlier decisions).
	ID      string       `json:"id"`
	Article string       `json:"article"` // id of the ARTICLE entity
	Kind    ProposalKind `json:"kind"`

	// ENTITY: the entity a mention stands for. LinkedTo is the existing
	// entity the mention was linked to ("" when a new one is proposed).
	Entity   *Entity `json:"entity,omitempty"`
	LinkedTo string  `json:"linkedTo,omitempty"`

	// RELATIONSHIP: its ends are ids of existing entities or of the
	// Entity of ENTITY proposals of the same article.
	Relationship *Relationship `json:"relationship,omitempty"`

	// The supporting passage and its character (rune) offsets in the
	// article's text, [Start, End).
	Quote string `json:"quote"`
	Start int    `json:"start"`
	End   int    `json:"end"`

	Rule       string  `json:"rule"`       // the rule or model that produced it
	Confidence float64 `json:"confidence"` // 0..1

	Status    ProposalStatus `json:"status"`
	DecidedBy string         `json:"decidedBy,omitempty"`
	DecidedAt time.Time      `json:"decidedAt,omitzero"`
}

// Limits on what one article may carry into the review queue.
const (
	MaxProposals   = 5000 // proposals one ingest may store
	MaxRuleLen     = 200
	MaxArticleHTML = 8 << 20 // bytes of HTML an article may arrive as
)

// Valid reports whether k is a proposal kind.
func (k ProposalKind) Valid() bool { return k == ProposeEntity || k == ProposeRelationship }

// Valid reports whether s is a review status.
func (s ProposalStatus) Valid() bool {
	return s == ProposalPending || s == ProposalAccepted || s == ProposalRejected
}

// Normalize puts the proposal's texts in NFC, like the entities and
// relationships it proposes; a relationship proposal keeps no id (its id
// is computed from its ends when it is accepted) and no evidence (the
// proposal's quote becomes its evidence).
func (p *Proposal) Normalize() {
	p.Quote = NormalizeText(p.Quote, true)
	p.Rule = strings.TrimSpace(NormalizeText(p.Rule, false))
	if p.Entity != nil {
		p.Entity.Normalize()
	}
	if p.Relationship != nil {
		r := p.Relationship
		r.Role = strings.TrimSpace(NormalizeText(r.Role, false))
		r.ID = ""
		r.Evidence = nil
	}
	if p.Status == "" {
		p.Status = ProposalPending
	}
}

// Validate checks a proposal on its own; that its article exists is
// decided by Decide, and that its offsets fall in the article's text by
// Service, which knows the text.
func (p *Proposal) Validate(path string) []Problem {
	var ps problems
	at := func(f string) string { return joinPath(path, f) }
	validateID(&ps, at("id"), p.ID)
	validateID(&ps, at("article"), p.Article)
	switch p.Kind {
	case ProposeEntity:
		if p.Entity == nil {
			ps.add(at("entity"), "an ENTITY proposal needs the entity")
		} else {
			ps.list = append(ps.list, p.Entity.Validate(at("entity"))...)
		}
		if p.Relationship != nil {
			ps.add(at("relationship"), "an ENTITY proposal proposes no relationship")
		}
		if p.LinkedTo != "" {
			validateID(&ps, at("linkedTo"), p.LinkedTo)
		}
	case ProposeRelationship:
		if p.Relationship == nil {
			ps.add(at("relationship"), "a RELATIONSHIP proposal needs the relationship")
		} else {
			r := *p.Relationship
			r.ID = RelationshipID(r.Type, r.From, r.To, r.Role)
			ps.list = append(ps.list, r.Validate(at("relationship"))...)
		}
		if p.Entity != nil {
			ps.add(at("entity"), "a RELATIONSHIP proposal proposes no entity")
		}
		if p.LinkedTo != "" {
			ps.add(at("linkedTo"), "only an ENTITY proposal is linked")
		}
	default:
		ps.add(at("kind"), "unknown proposal kind %q; want ENTITY or RELATIONSHIP", p.Kind)
	}
	if why := textProblem(p.Quote, MaxFieldLen, true); why != "" {
		ps.add(at("quote"), "%s", why)
	}
	if p.Start < 0 || p.End < p.Start {
		ps.add(at("end"), "offsets [%d, %d) are not a span of the text", p.Start, p.End)
	}
	if strings.TrimSpace(p.Rule) == "" {
		ps.add(at("rule"), "must name the rule or model that made the proposal")
	} else if why := textProblem(p.Rule, MaxRuleLen, false); why != "" {
		ps.add(at("rule"), "%s", why)
	}
	if math.IsNaN(p.Confidence) || p.Confidence < 0 || p.Confidence > 1 {
		ps.add(at("confidence"), "%v is not between 0 and 1", p.Confidence)
	}
	if !p.Status.Valid() {
		ps.add(at("status"), "unknown status %q; want one of PENDING, ACCEPTED, REJECTED", p.Status)
	}
	return ps.list
}

// Decided reports whether the proposal has been accepted or rejected.
func (p *Proposal) Decided() bool {
	return p.Status == ProposalAccepted || p.Status == ProposalRejected
}

// ProposalIDs lists the proposals a batch writes: a store reads them
// (Stored.Proposals) before Decide. Sorted, no duplicates.
func (b *Batch) ProposalIDs() []string {
	set := make(map[string]struct{}, len(b.Proposals))
	for i := range b.Proposals {
		set[b.Proposals[i].ID] = struct{}{}
	}
	return sortedKeys(set)
}

// ProposalArticles lists the articles whose every stored proposal a store
// reads before Decide (into Stored.Proposals): the batch's Reading, and
// the entities a removal deletes (their proposals go with them). Sorted,
// no duplicates.
func (b *Batch) ProposalArticles() []string {
	set := make(map[string]struct{}, len(b.Remove.Entities)+1)
	if b.Reading != "" {
		set[b.Reading] = struct{}{}
	}
	for _, id := range b.Remove.Entities {
		set[id] = struct{}{}
	}
	return sortedKeys(set)
}

// proposalsOf returns the stored proposals of the articles for which
// drop, when given, holds, in id order.
func proposalsOf(stored map[string]Proposal, articles []string, drop func(*Proposal) bool) []Proposal {
	if len(articles) == 0 || len(stored) == 0 {
		return nil
	}
	of := make(map[string]bool, len(articles))
	for _, a := range articles {
		of[a] = true
	}
	var out []Proposal
	for _, id := range sortedKeys(stored) {
		p := stored[id]
		if of[p.Article] && (drop == nil || drop(&p)) {
			out = append(out, p)
		}
	}
	return out
}

// decideProposals decides the proposals of a batch against the stored
// ones: a decided proposal stays decided (re-ingesting an article writes
// its proposals PENDING again, and they are kept as they were decided);
// deciding it otherwise is a conflict; a pending one is replaced. Only
// proposals that change are returned, in id order; then, for a new
// reading of an article (b.Reading), its pending proposals the batch does
// not write, to remove.
func decideProposals(op string, b *Batch, st Stored) (put, remove []Proposal, err error) {
	last := make(map[string]*Proposal, len(b.Proposals))
	for i := range b.Proposals {
		last[b.Proposals[i].ID] = &b.Proposals[i]
	}
	out := make([]Proposal, 0, len(last))
	for _, id := range sortedKeys(last) {
		p := last[id]
		old, ok := st.Proposals[id]
		if ok {
			if old.Article != p.Article {
				return nil, nil, Conflict(op, id, "proposal %q belongs to article %q, not %q", id, old.Article, p.Article)
			}
			if old.Decided() {
				if p.Status == ProposalPending || p.Status == old.Status {
					continue
				}
				return nil, nil, Conflict(op, id, "proposal %q was already %s", id, old.Status)
			}
			if sameJSON(&old, p) {
				continue
			}
		}
		out = append(out, *p)
	}
	if b.Reading != "" {
		remove = proposalsOf(st.Proposals, []string{b.Reading}, func(q *Proposal) bool {
			_, made := last[q.ID]
			return !made && q.Status == ProposalPending
		})
	}
	return out, remove, nil
}

// ProposalQuery lists proposals: those of Article (all articles when
// empty), of Status (any when empty), in id order after the id After.
type ProposalQuery struct {
	Article string
	Status  ProposalStatus
	First   int
	After   string // the id of the last proposal of the previous page
}

// ProposalPage is a page of proposals.
type ProposalPage struct {
	Proposals   []Proposal
	TotalCount  int // of the whole listing
	HasNextPage bool
}

// ProposalStore keeps the review queue. Proposals are written by Apply
// (Batch.Proposals), in the same transaction as the graph, so accepting a
// proposal and writing what it proposes commit together.
type ProposalStore interface {
	// Proposals returns the stored proposals with these ids, keyed by id;
	// missing ids are absent.
	Proposals(ctx context.Context, ids []string) (map[string]Proposal, error)
	// ListProposals lists proposals in id order, at most q.First.
	ListProposals(ctx context.Context, q ProposalQuery) (ProposalPage, error)
}

// ArticleText is what an extractor reads: the article and its text.
type ArticleText struct {
	ID        string
	Title     string
	URL       string
	Outlet    string // id of the outlet's entity, when known
	Published Date
	Byline    string
	Text      string
}

// Gazetteer is the graph as an extractor sees it: the entities a name may
// stand for, so that mentions link to what is stored rather than to
// duplicates.
type Gazetteer interface {
	// Lookup returns the entities whose normalised name or alias equals
	// name's, of any of the kinds (all actor kinds when none is given).
	Lookup(ctx context.Context, name string, kinds ...Kind) ([]Entity, error)
	// Search returns the best full-text matches of text (typo and prefix
	// tolerant), at most n, of the kinds (any when none).
	Search(ctx context.Context, text string, n int, kinds ...Kind) ([]Entity, error)
}

// Extractor reads an article and returns what it asserts as proposals for
// that article (Article set to a.ID, stable ids: the same article, kind and
// content give the same id). internal/extract implements it; the CLI and
// the server bind it to the Service (WithExtractor).
type Extractor interface {
	Extract(ctx context.Context, a ArticleText, g Gazetteer) ([]Proposal, error)
}

// ExtractorFunc adapts a function to Extractor.
type ExtractorFunc func(ctx context.Context, a ArticleText, g Gazetteer) ([]Proposal, error)

// Extract calls f.
func (f ExtractorFunc) Extract(ctx context.Context, a ArticleText, g Gazetteer) ([]Proposal, error) {
	return f(ctx, a, g)
}
