package kg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The review queue: an article is read by an Extractor into proposals,
// which an analyst accepts, rejects or edits. Accepting writes what the
// proposal proposes as ordinary entities and relationships, with the
// article's quote as evidence, in the same write as the proposal's new
// status.

// WithExtractor returns a Service that reads articles with x
// (IngestArticle). Without one, IngestArticle is unavailable.
func (s *Service) WithExtractor(x Extractor) *Service {
	c := *s
	c.extractor = x
	return &c
}

// ArticleInput is an article to ingest: its text (already extracted from
// HTML, see internal/article) and what is known about it.
type ArticleInput struct {
	// ID of the ARTICLE entity; when empty, one is made from the URL (or
	// the text), so that ingesting the same article again finds it.
	ID        string
	Title     string // when empty, the text's first line
	URL       string
	Outlet    string // the outlet's entity id or name; a new MEDIA_OUTLET when unknown
	Byline    string
	Published Date
	Text      string
	// AutoAccept, when set, accepts every pending proposal whose
	// confidence is at least this (0 accepts all).
	AutoAccept *float64
}

// IngestedArticle is what IngestArticle did.
type IngestedArticle struct {
	Article Entity
	// Proposals are the article's proposals from this reading, as stored
	// (ones decided before keep their decision), in id order.
	Proposals []Proposal
	// Accepted counts the proposals AutoAccept accepted.
	Accepted int
	// Superseded are the ids of the pending proposals of earlier readings
	// that this reading no longer makes: they were removed (decided ones
	// stay). In id order.
	Superseded []string
	// Skipped are the extractor's proposals that could not be stored (or,
	// for AutoAccept, accepted), each with why.
	Skipped []Problem
}

// Pending counts the proposals of this reading left for review.
func (a *IngestedArticle) Pending() int {
	n := 0
	for i := range a.Proposals {
		if a.Proposals[i].Status == ProposalPending {
			n++
		}
	}
	return n
}

// ArticleID is the id an article gets when none is given: from its URL
// when it has one, else from its text.
func ArticleID(url, text string) string {
	key := strings.TrimSpace(url)
	if key == "" {
		key = text
	}
	h := sha256.Sum256([]byte(key))
	return "article-" + hex.EncodeToString(h[:8])
}

// IngestArticle upserts the article (PUBLISHED_BY its outlet when known),
// reads it with the extractor, stores its proposals (a proposal decided
// before stays decided; a pending one of an earlier reading that this one
// no longer makes is removed, in the same write), and accepts those at or
// above in.AutoAccept. It needs the editor role.
func (s *Service) IngestArticle(ctx context.Context, in ArticleInput) (IngestedArticle, error) {
	const op = "ingestArticle"
	if _, err := Authorize(ctx, op, RoleEditor); err != nil {
		return IngestedArticle{}, err
	}
	if s.extractor == nil {
		return IngestedArticle{}, Unavailable(op, errNoExtractor)
	}
	var p problems
	in.Text = NormalizeText(in.Text, true)
	if strings.TrimSpace(in.Text) == "" {
		p.add("text", "the article has no text")
	} else if len(in.Text) > MaxTextLen {
		p.add("text", "longer than %d bytes", MaxTextLen)
	}
	if strings.TrimSpace(in.Title) == "" {
		in.Title = firstLine(in.Text, 300)
	}
	if in.AutoAccept != nil && (math.IsNaN(*in.AutoAccept) || *in.AutoAccept < 0 || *in.AutoAccept > 1) {
		p.add("autoAccept", "%v is not between 0 and 1", *in.AutoAccept)
	}
	if why := textProblem(in.Outlet, MaxNameLen, false); why != "" {
		p.add("outlet", "%s", why)
	}
	if why := textProblem(in.Byline, MaxNameLen, false); why != "" {
		p.add("byline", "%s", why)
	}
	if err := p.err(op); err != nil {
		return IngestedArticle{}, err
	}
	if in.ID == "" {
		in.ID = ArticleID(in.URL, in.Text)
	}
	article := Entity{ID: in.ID, Kind: Article, Name: in.Title, Title: in.Title, URL: in.URL, Published: in.Published, Text: in.Text}
	if in.Byline != "" {
		article.Attributes = []Attribute{{Name: "byline", Value: strings.TrimSpace(in.Byline)}}
	}
	var b Batch
	var paths BatchPaths
	stored, err := s.store.Entities(ctx, []string{in.ID})
	if err != nil {
		return IngestedArticle{}, err
	}
	if old, ok := stored[in.ID]; ok {
		if old.Kind != Article {
			return IngestedArticle{}, Conflict(op, in.ID, "%q is a %s, not an article", in.ID, old.Kind)
		}
		// What the caller did not say is kept.
		if article.URL == "" {
			article.URL = old.URL
		}
		if article.Published.IsZero() {
			article.Published = old.Published
		}
		article.Outlet = old.Outlet
		article.Aliases = old.Aliases
		article.Identifiers = old.Identifiers
		article.Description = old.Description
	}
	if in.Outlet != "" {
		outlet, isNew, err := s.outlet(ctx, op, in.Outlet)
		if err != nil {
			return IngestedArticle{}, err
		}
		if isNew {
			b.Entities = append(b.Entities, outlet)
		}
		article.Outlet = outlet.ID
	}
	b.Entities = append(b.Entities, article)
	if article.Outlet != "" {
		b.Relationships = append(b.Relationships, Relationship{Type: PublishedBy, From: article.ID, To: article.Outlet,
			Evidence: []Evidence{{Article: article.ID, Confidence: 1}}})
	}

	// Read the article with what the graph holds (read-only), then write
	// the article and its proposals in one batch.
	props, err := s.extractor.Extract(ctx, ArticleText{ID: article.ID, Title: article.Title, URL: article.URL,
		Outlet: article.Outlet, Published: article.Published, Byline: in.Byline, Text: article.Text}, storeGazetteer{s})
	if err != nil {
		var kerr *Error
		if errors.As(err, &kerr) {
			return IngestedArticle{}, err
		}
		return IngestedArticle{}, Internal(op, fmt.Errorf("the extractor could not read the article: %w", err))
	}
	res := IngestedArticle{}
	props, res.Skipped = s.admissible(ctx, article, props)
	if props, err = s.undecided(ctx, article.ID, props); err != nil {
		return IngestedArticle{}, err
	}
	if len(props) > MaxProposals {
		return IngestedArticle{}, Invalidf(op, "text", "the extractor proposed %d things, above the maximum %d per article", len(props), MaxProposals)
	}
	b.Proposals = props
	b.Reading = article.ID
	var superseded []string
	b.Decided = func(d Decision) {
		for _, p := range d.RemoveProposals {
			superseded = append(superseded, p.ID)
		}
	}
	paths.Entity = func(i int) string {
		if b.Entities[i].ID == article.ID {
			return "article"
		}
		return "outlet"
	}
	paths.Relationship = func(int) string { return "outlet" }
	if err := s.Apply(ctx, op, &b, paths); err != nil {
		return IngestedArticle{}, err
	}
	a, err := s.Entity(ctx, article.ID)
	if err != nil {
		return IngestedArticle{}, err
	}
	res.Article = a
	res.Superseded = superseded
	ids := make([]string, len(props))
	for i := range props {
		ids[i] = props[i].ID
	}
	got, err := s.store.Proposals(ctx, ids)
	if err != nil {
		return IngestedArticle{}, err
	}
	for _, id := range sortedUnique(ids) {
		if p, ok := got[id]; ok {
			res.Proposals = append(res.Proposals, p)
		}
	}
	if in.AutoAccept != nil {
		var todo []Proposal
		for _, p := range res.Proposals {
			if p.Status == ProposalPending && p.Confidence >= *in.AutoAccept {
				todo = append(todo, p)
			}
		}
		accepted, skipped, err := s.acceptAll(ctx, op, article.ID, todo)
		if err != nil {
			return IngestedArticle{}, err
		}
		res.Accepted = len(accepted)
		res.Skipped = append(res.Skipped, skipped...)
		byID := make(map[string]Proposal, len(accepted))
		for _, p := range accepted {
			byID[p.ID] = p
		}
		for i := range res.Proposals {
			if p, ok := byID[res.Proposals[i].ID]; ok {
				res.Proposals[i] = p
			}
		}
	}
	return res, nil
}

var errNoExtractor = errorString("no extractor is configured for reading articles")

type errorString string

func (e errorString) Error() string { return string(e) }

func firstLine(text string, max int) string {
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			if utf8.RuneCountInString(line) > max {
				r := []rune(line)
				line = strings.TrimSpace(string(r[:max])) + "…"
			}
			return line
		}
	}
	return ""
}

// outlet finds the media outlet named (by id or name) or makes a new one.
func (s *Service) outlet(ctx context.Context, op, name string) (Entity, bool, error) {
	name = strings.TrimSpace(name)
	isOutlet := func(e Entity) bool { return e.Kind == Organization && e.Classification == MediaOutlet }
	byID, err := s.store.EntityHeads(ctx, []string{name})
	if err != nil {
		return Entity{}, false, err
	}
	if e, ok := byID[name]; ok && isOutlet(e) {
		return e, false, nil
	}
	ids, err := s.store.FindEntities(ctx, Match{Kind: Organization, Names: []string{name}})
	if err != nil {
		return Entity{}, false, err
	}
	found, err := s.store.EntityHeads(ctx, ids)
	if err != nil {
		return Entity{}, false, err
	}
	for _, id := range ids {
		if e, ok := found[id]; ok && isOutlet(e) {
			return e, false, nil
		}
	}
	slug := strings.Join(Tokens(name), "-")
	if slug == "" {
		return Entity{}, false, Invalidf(op, "outlet", "%q names no outlet", name)
	}
	id := "outlet-" + slug
	taken, err := s.store.EntityHeads(ctx, []string{id})
	if err != nil {
		return Entity{}, false, err
	}
	if e, ok := taken[id]; ok {
		if isOutlet(e) {
			return e, false, nil
		}
		return Entity{}, false, Conflict(op, id, "the outlet %q would take the id %q, which is a %s", name, id, e.Kind)
	}
	return Entity{ID: id, Kind: Organization, Classification: MediaOutlet, Name: name}, true, nil
}

// admissible keeps the extractor's proposals that can be stored: valid,
// within the text, and whose relationships' ends are stored entities or
// entities proposed for the same article. The others are returned as
// problems.
func (s *Service) admissible(ctx context.Context, article Entity, props []Proposal) ([]Proposal, []Problem) {
	var skipped []Problem
	n := utf8.RuneCountInString(article.Text)
	proposed := map[string]bool{}
	var refs []string
	out := make([]Proposal, 0, len(props))
	for i := range props {
		p := props[i]
		if p.Entity != nil {
			e := *p.Entity
			e.Aliases = slices.Clone(e.Aliases)
			p.Entity = &e
		}
		if p.Relationship != nil {
			r := *p.Relationship
			p.Relationship = &r
		}
		p.Article = article.ID
		p.Status, p.DecidedBy, p.DecidedAt = ProposalPending, "", time.Time{}
		p.Normalize()
		path := "proposals" + index(i)
		if ps := p.Validate(path); len(ps) > 0 {
			skipped = append(skipped, ps...)
			continue
		}
		if p.End > n {
			skipped = append(skipped, Problem{Path: path + ".end", Reason: "offset " + itoa(p.End) + " is beyond the text's " + itoa(n) + " characters"})
			continue
		}
		if p.Kind == ProposeEntity {
			proposed[p.Entity.ID] = true
			if p.LinkedTo != "" {
				refs = append(refs, p.LinkedTo)
			}
		} else {
			refs = append(refs, p.Relationship.From, p.Relationship.To)
		}
		out = append(out, p)
	}
	existing, err := s.store.EntityHeads(ctx, sortedUnique(refs))
	if err != nil {
		existing = nil
	}
	known := func(id string) bool {
		if id == article.ID || id == article.Outlet || proposed[id] {
			return true
		}
		_, ok := existing[id]
		return ok
	}
	kept := out[:0]
	for i, p := range out {
		var missing string
		switch {
		case p.Kind == ProposeEntity && p.LinkedTo != "" && !known(p.LinkedTo):
			missing = p.LinkedTo
		case p.Kind == ProposeRelationship && !known(p.Relationship.From):
			missing = p.Relationship.From
		case p.Kind == ProposeRelationship && !known(p.Relationship.To):
			missing = p.Relationship.To
		}
		if missing != "" {
			skipped = append(skipped, Problem{Path: "proposals" + index(i), Reason: "proposal " + quote(p.ID) + " refers to " + quote(missing) + ", which is neither stored nor proposed"})
			continue
		}
		kept = append(kept, p)
	}
	return kept, skipped
}

// undecided drops the entity proposals that link a mention to an entity
// an earlier reading of the article proposed and had accepted: once
// accepted, the entity is stored, so the extractor now links to it, and
// asking the analyst again would repeat a decision already made.
func (s *Service) undecided(ctx context.Context, article string, props []Proposal) ([]Proposal, error) {
	before, err := s.articleProposals(ctx, article)
	if err != nil || len(before) == 0 {
		return props, err
	}
	accepted := map[string]bool{}
	for _, p := range before {
		if p.Kind == ProposeEntity && p.Status == ProposalAccepted {
			accepted[p.Entity.ID] = true
			if p.LinkedTo != "" {
				accepted[p.LinkedTo] = true
			}
		}
	}
	out := props[:0]
	for _, p := range props {
		if p.Kind == ProposeEntity && p.LinkedTo != "" && accepted[p.LinkedTo] {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// Gazetteer is the graph as IngestArticle's extractor reads it: lookups by
// name and full-text searches of the store, read-only.
func (s *Service) Gazetteer() Gazetteer { return storeGazetteer{s} }

// storeGazetteer is the Gazetteer of a Service's store.
type storeGazetteer struct{ s *Service }

func (g storeGazetteer) Lookup(ctx context.Context, name string, kinds ...Kind) ([]Entity, error) {
	if NormalizeName(name) == "" {
		return nil, nil
	}
	if len(kinds) == 0 {
		kinds = []Kind{Person, Organization, Country}
	}
	var ids []string
	for _, k := range kinds {
		found, err := g.s.store.FindEntities(ctx, Match{Kind: k, Names: []string{name}})
		if err != nil {
			return nil, err
		}
		ids = append(ids, found...)
	}
	ids = sortedUnique(ids)
	m, err := g.s.store.EntityHeads(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Entity, 0, len(ids))
	for _, id := range ids {
		if e, ok := m[id]; ok {
			out = append(out, e)
		}
	}
	return out, nil
}

func (g storeGazetteer) Search(ctx context.Context, text string, n int, kinds ...Kind) ([]Entity, error) {
	text = strings.TrimSpace(text)
	if NormalizeName(text) == "" || len(text) > g.s.limits.MaxQueryLen {
		return nil, nil
	}
	if w := Tokens(text); g.s.limits.MaxSearchWords > 0 && len(w) > g.s.limits.MaxSearchWords {
		return nil, nil
	}
	n = min(max(n, 1), g.s.limits.MaxPageSize)
	page, err := g.s.store.Search(ctx, SearchQuery{Text: text, Kinds: kinds, First: n})
	if err != nil {
		return nil, err
	}
	out := make([]Entity, len(page.Edges))
	for i, e := range page.Edges {
		out[i] = e.Entity
		out[i].Text = ""
	}
	return out, nil
}

// Proposal returns one proposal.
func (s *Service) Proposal(ctx context.Context, id string) (Proposal, error) {
	const op = "proposal"
	if id == "" {
		return Proposal{}, Invalidf(op, "id", "must not be empty")
	}
	m, err := s.store.Proposals(ctx, []string{id})
	if err != nil {
		return Proposal{}, err
	}
	p, ok := m[id]
	if !ok {
		return Proposal{}, NotFound(op, id)
	}
	return p, nil
}

// ProposalCursor is the cursor of a proposal in ListProposals' pages.
func ProposalCursor(p *Proposal) string { return EncodeCursor(p.ID) }

// ListProposals lists proposals of an article (all when article is
// empty) with a status (any when empty), in id order.
func (s *Service) ListProposals(ctx context.Context, article string, status ProposalStatus, first *int, after string) (ProposalPage, error) {
	const op = "proposals"
	var p problems
	if status != "" && !status.Valid() {
		p.add("status", "unknown status %q", status)
	}
	q := ProposalQuery{Article: article, Status: status, First: s.page(&p, first)}
	if err := p.err(op); err != nil {
		return ProposalPage{}, err
	}
	if after != "" {
		parts, err := DecodeCursor(op, after, 1)
		if err != nil {
			return ProposalPage{}, err
		}
		q.After = parts[0]
	}
	if article != "" {
		if err := s.mustExist(ctx, op, "article", []string{article}); err != nil {
			return ProposalPage{}, err
		}
	}
	return s.store.ListProposals(ctx, q)
}

// articleProposals reads every proposal of an article.
func (s *Service) articleProposals(ctx context.Context, article string) ([]Proposal, error) {
	var out []Proposal
	q := ProposalQuery{Article: article, First: s.limits.MaxPageSize}
	for {
		page, err := s.store.ListProposals(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Proposals...)
		if !page.HasNextPage || len(page.Proposals) == 0 {
			return out, nil
		}
		q.After = page.Proposals[len(page.Proposals)-1].ID
	}
}

// AcceptProposal writes what a pending proposal proposes as ordinary
// entities and relationships, with the article's quote and the
// proposal's confidence as evidence, and marks it accepted, in one write.
// A relationship whose end is an entity proposed for the same article
// accepts that proposal too. Accepting an accepted proposal changes
// nothing; accepting a rejected one is a conflict. It needs the editor
// role.
func (s *Service) AcceptProposal(ctx context.Context, id string) (Proposal, error) {
	const op = "acceptProposal"
	if _, err := Authorize(ctx, op, RoleEditor); err != nil {
		return Proposal{}, err
	}
	p, err := s.Proposal(ctx, id)
	if err != nil {
		return Proposal{}, err
	}
	switch p.Status {
	case ProposalAccepted:
		return p, nil
	case ProposalRejected:
		return Proposal{}, Conflict(op, id, "proposal %q was rejected", id)
	}
	batch, accepted, err := s.acceptBatch(ctx, op, p.Article, []Proposal{p})
	if err != nil {
		return Proposal{}, err
	}
	if err := s.Apply(ctx, op, &batch, BatchPaths{Entity: func(int) string { return "id" }, Relationship: func(int) string { return "id" }}); err != nil {
		return Proposal{}, err
	}
	for _, a := range accepted {
		if a.ID == id {
			return a, nil
		}
	}
	return s.Proposal(ctx, id)
}

// acceptAll accepts proposals of one article in one write; when that
// write fails on what one of them proposes, each is tried on its own and
// those that fail stay pending (returned as problems).
func (s *Service) acceptAll(ctx context.Context, op, article string, props []Proposal) ([]Proposal, []Problem, error) {
	if len(props) == 0 {
		return nil, nil, nil
	}
	b, accepted, err := s.acceptBatch(ctx, op, article, props)
	if err == nil {
		if err = s.Apply(ctx, op, &b, BatchPaths{}); err == nil {
			return accepted, nil, nil
		}
	}
	if k := KindOf(err); k != KindInvalid && k != KindNotFound && k != KindConflict {
		return nil, nil, err
	}
	var all []Proposal
	var skipped []Problem
	done := map[string]bool{}
	for _, p := range props {
		if done[p.ID] {
			continue
		}
		b, acc, err := s.acceptBatch(ctx, op, article, []Proposal{p})
		if err == nil {
			err = s.Apply(ctx, op, &b, BatchPaths{})
		}
		if err != nil {
			if k := KindOf(err); k != KindInvalid && k != KindNotFound && k != KindConflict {
				return all, skipped, err
			}
			skipped = append(skipped, Problem{Path: "proposal " + p.ID, Reason: "not accepted: " + err.Error()})
			continue
		}
		for _, a := range acc {
			done[a.ID] = true
		}
		all = append(all, acc...)
	}
	return all, skipped, nil
}

// acceptBatch builds the write that accepts props (pending proposals of
// article): what they propose, and them and the entity proposals their
// relationships need, marked accepted.
func (s *Service) acceptBatch(ctx context.Context, op, article string, props []Proposal) (Batch, []Proposal, error) {
	actor, _ := Authorize(ctx, op, RoleEditor)
	now := time.Now().UTC()
	all, err := s.articleProposals(ctx, article)
	if err != nil {
		return Batch{}, nil, err
	}
	byEntity := map[string]*Proposal{}
	for i := range all {
		if q := &all[i]; q.Kind == ProposeEntity && q.Entity != nil {
			byEntity[q.Entity.ID] = q
		}
	}
	// Entities an accepted proposal would create that are already stored
	// are linked to, never overwritten.
	var newIDs []string
	for _, q := range byEntity {
		if q.LinkedTo == "" {
			newIDs = append(newIDs, q.Entity.ID)
		}
	}
	stored, err := s.store.EntityHeads(ctx, newIDs)
	if err != nil {
		return Batch{}, nil, err
	}
	var b Batch
	var accepted []Proposal
	taken := map[string]bool{}
	var p problems
	take := func(q Proposal) {
		if taken[q.ID] {
			return
		}
		taken[q.ID] = true
		q.Status, q.DecidedBy, q.DecidedAt = ProposalAccepted, actor, now
		accepted = append(accepted, q)
	}
	var acceptEntity func(q *Proposal) string
	// resolve is the entity id an end (or outlet, speaker) names once the
	// proposals it needs are accepted.
	resolve := func(id, path string) string {
		q, ok := byEntity[id]
		if !ok {
			return id
		}
		if q.Status == ProposalRejected {
			p.add(path, "%q is the entity of proposal %q, which was rejected", id, q.ID)
			return id
		}
		return acceptEntity(q)
	}
	acceptEntity = func(q *Proposal) string {
		if q.LinkedTo != "" {
			if q.Status == ProposalPending {
				take(*q)
			}
			return q.LinkedTo
		}
		if old, ok := stored[q.Entity.ID]; ok && old.Kind == q.Entity.Kind {
			if q.Status == ProposalPending {
				take(*q)
			}
			return q.Entity.ID
		}
		if q.Status == ProposalPending && !taken[q.ID] {
			take(*q)
			e := *q.Entity
			e.Aliases = slices.Clone(e.Aliases)
			if e.Outlet != "" {
				e.Outlet = resolve(e.Outlet, "entity.outlet")
			}
			if e.Speaker != "" {
				e.Speaker = resolve(e.Speaker, "entity.speaker")
			}
			b.Entities = append(b.Entities, e)
		}
		return q.Entity.ID
	}
	for i := range props {
		q := props[i]
		if q.Article != article || q.Status != ProposalPending {
			continue
		}
		switch q.Kind {
		case ProposeEntity:
			if own, ok := byEntity[q.Entity.ID]; ok && own.ID == q.ID {
				acceptEntity(own)
			} else {
				acceptEntity(&q)
			}
		case ProposeRelationship:
			r := *q.Relationship
			r.ID = ""
			r.From = resolve(r.From, "relationship.from")
			r.To = resolve(r.To, "relationship.to")
			r.Evidence = []Evidence{{Article: article, Quote: q.Quote, Confidence: q.Confidence}}
			b.Relationships = append(b.Relationships, r)
			take(q)
		}
	}
	if err := p.err(op); err != nil {
		return Batch{}, nil, err
	}
	b.Proposals = accepted
	return b, accepted, nil
}

// RejectProposal marks a pending proposal rejected: re-ingesting the
// article does not propose it again. Rejecting a rejected proposal
// changes nothing; rejecting an accepted one is a conflict (remove what
// it wrote instead). It needs the editor role.
func (s *Service) RejectProposal(ctx context.Context, id string) (Proposal, error) {
	const op = "rejectProposal"
	actor, err := Authorize(ctx, op, RoleEditor)
	if err != nil {
		return Proposal{}, err
	}
	p, err := s.Proposal(ctx, id)
	if err != nil {
		return Proposal{}, err
	}
	switch p.Status {
	case ProposalRejected:
		return p, nil
	case ProposalAccepted:
		return Proposal{}, Conflict(op, id, "proposal %q was accepted: remove what it wrote instead", id)
	}
	p.Status, p.DecidedBy, p.DecidedAt = ProposalRejected, actor, time.Now().UTC()
	b := Batch{Proposals: []Proposal{p}}
	if err := s.Apply(ctx, op, &b, BatchPaths{}); err != nil {
		return Proposal{}, err
	}
	return s.Proposal(ctx, id)
}

// ProposalEdit changes a pending proposal before it is accepted. Nil
// fields are left as they are.
type ProposalEdit struct {
	// Entity replaces an ENTITY proposal's entity (its id stays: the
	// article's relationship proposals name it).
	Entity *Entity
	// LinkedTo links an ENTITY proposal to a stored entity ("" unlinks it).
	LinkedTo *string
	// Relationship replaces a RELATIONSHIP proposal's type, ends, role and
	// dates.
	Relationship *Relationship
	Confidence   *float64
}

// EditProposal changes a pending proposal; the result is validated as a
// new proposal would be. It needs the editor role.
func (s *Service) EditProposal(ctx context.Context, id string, ed ProposalEdit) (Proposal, error) {
	const op = "editProposal"
	if _, err := Authorize(ctx, op, RoleEditor); err != nil {
		return Proposal{}, err
	}
	p, err := s.Proposal(ctx, id)
	if err != nil {
		return Proposal{}, err
	}
	if p.Decided() {
		return Proposal{}, Conflict(op, id, "proposal %q was already %s", id, p.Status)
	}
	var ps problems
	if ed.Entity != nil {
		if p.Kind != ProposeEntity {
			ps.add("entity", "proposal %q proposes a relationship", id)
		} else {
			e := *ed.Entity
			if e.ID == "" {
				e.ID = p.Entity.ID
			}
			if e.ID != p.Entity.ID {
				ps.add("entity.id", "stays %q: the article's relationship proposals name it", p.Entity.ID)
			}
			p.Entity = &e
		}
	}
	if ed.LinkedTo != nil {
		if p.Kind != ProposeEntity {
			ps.add("linkedTo", "proposal %q proposes a relationship", id)
		} else {
			p.LinkedTo = strings.TrimSpace(*ed.LinkedTo)
		}
	}
	if ed.Relationship != nil {
		if p.Kind != ProposeRelationship {
			ps.add("relationship", "proposal %q proposes an entity", id)
		} else {
			r := *ed.Relationship
			p.Relationship = &r
		}
	}
	if ed.Confidence != nil {
		p.Confidence = *ed.Confidence
	}
	if err := ps.err(op); err != nil {
		return Proposal{}, err
	}
	p.Normalize()
	if bad := p.Validate(""); len(bad) > 0 {
		return Proposal{}, Invalid(op, bad...)
	}
	if p.Kind == ProposeEntity && p.LinkedTo != "" {
		m, err := s.store.EntityHeads(ctx, []string{p.LinkedTo})
		if err != nil {
			return Proposal{}, err
		}
		e, ok := m[p.LinkedTo]
		if !ok {
			return Proposal{}, &Error{Op: op, Kind: KindNotFound, ID: p.LinkedTo, Problems: []Problem{{Path: "linkedTo", Reason: "no entity with id " + quote(p.LinkedTo)}}}
		}
		if e.Kind != p.Entity.Kind {
			return Proposal{}, Invalidf(op, "linkedTo", "%q is a %s; the proposal proposes a %s", p.LinkedTo, e.Kind, p.Entity.Kind)
		}
	}
	b := Batch{Proposals: []Proposal{p}}
	if err := s.Apply(ctx, op, &b, BatchPaths{}); err != nil {
		return Proposal{}, err
	}
	return s.Proposal(ctx, id)
}
