package kg

import (
	"context"
	"strings"
)

// Limits bound what one request may ask for. Arguments above a cap are
// rejected (not silently clamped) so a client learns the cap.
type Limits struct {
	DefaultPageSize  int // first, when not given
	MaxPageSize      int // largest first
	DefaultDepth     int // network depth when not given
	MaxDepth         int
	DefaultNodes     int // network limit when not given
	MaxNodes         int
	DefaultPathLen   int // paths maxLength when not given
	MaxPathLen       int
	DefaultPaths     int // paths first when not given
	MaxPaths         int
	MaxSeeds         int
	MaxQueryLen      int // search text length, in bytes
	MaxSearchWords   int // search text length, in words (each word is matched against the whole vocabulary)
	MaxBatchEntities int // entities + relationships + evidence in one write
}

// DefaultLimits are the limits polgraph serves with unless configured.
var DefaultLimits = Limits{
	DefaultPageSize:  20,
	MaxPageSize:      500,
	DefaultDepth:     1,
	MaxDepth:         4,
	DefaultNodes:     200,
	MaxNodes:         5000,
	DefaultPathLen:   4,
	MaxPathLen:       6,
	DefaultPaths:     5,
	MaxPaths:         50,
	MaxSeeds:         50,
	MaxQueryLen:      200,
	MaxSearchWords:   16,
	MaxBatchEntities: 100000,
}

// Service is the domain's entry point for transports (GraphQL, CLI,
// importers): it validates and bounds every request once, for every store,
// then calls the Store.
type Service struct {
	store     Store
	limits    Limits
	extractor Extractor // reads articles (IngestArticle); nil: none
}

// NewService wraps a store.
func NewService(s Store, l Limits) *Service { return &Service{store: s, limits: l} }

// Store returns the underlying store (for exports and copies that stream).
func (s *Service) Store() Store { return s.store }

// Limits returns the limits in force.
func (s *Service) Limits() Limits { return s.limits }

// Entity returns one entity or a not-found error.
func (s *Service) Entity(ctx context.Context, id string) (Entity, error) {
	const op = "entity"
	if id == "" {
		return Entity{}, Invalidf(op, "id", "must not be empty")
	}
	m, err := s.store.Entities(ctx, []string{id})
	if err != nil {
		return Entity{}, err
	}
	e, ok := m[id]
	if !ok {
		return Entity{}, NotFound(op, id)
	}
	return e, nil
}

// Relationship returns one relationship or a not-found error.
func (s *Service) Relationship(ctx context.Context, id string) (Relationship, error) {
	const op = "relationship"
	m, err := s.store.Relationships(ctx, []string{id})
	if err != nil {
		return Relationship{}, err
	}
	r, ok := m[id]
	if !ok {
		return Relationship{}, NotFound(op, id)
	}
	return r, nil
}

// page resolves first against the limits.
func (s *Service) page(p *problems, first *int) int {
	if first == nil {
		return s.limits.DefaultPageSize
	}
	if *first < 0 {
		p.add("first", "must not be negative")
	} else if *first > s.limits.MaxPageSize {
		p.add("first", "%d is above the maximum page size %d", *first, s.limits.MaxPageSize)
	}
	return *first
}

func checkKinds(p *problems, path string, kinds []Kind) {
	for i, k := range kinds {
		if !k.Valid() {
			p.add(path+index(i), "unknown kind %q", k)
		}
	}
}

func checkTypes(p *problems, path string, types []RelType) {
	for i, t := range types {
		if !t.Valid() {
			p.add(path+index(i), "unknown relationship type %q", t)
		}
	}
}

// Search runs a full-text search.
func (s *Service) Search(ctx context.Context, text string, kinds []Kind, first *int, after string) (EntityPage, error) {
	const op = "search"
	var p problems
	text = strings.TrimSpace(text)
	if NormalizeName(text) == "" {
		p.add("query", "must contain at least one letter or digit")
	} else if len(text) > s.limits.MaxQueryLen {
		p.add("query", "longer than %d bytes", s.limits.MaxQueryLen)
	} else if n := len(Tokens(text)); s.limits.MaxSearchWords > 0 && n > s.limits.MaxSearchWords {
		p.add("query", "%d words is above the maximum %d", n, s.limits.MaxSearchWords)
	}
	checkKinds(&p, "kinds", kinds)
	n := s.page(&p, first)
	if err := p.err(op); err != nil {
		return EntityPage{}, err
	}
	return s.store.Search(ctx, SearchQuery{Text: text, Kinds: kinds, First: n, After: after})
}

// ListEntities lists entities of a kind, or those imported from a dataset.
func (s *Service) ListEntities(ctx context.Context, q ListQuery, first *int) (EntityPage, error) {
	op := q.Op
	if op == "" {
		op = "list"
	}
	arg := "entity"
	if q.Link != nil && q.Link.Arg != "" {
		arg = q.Link.Arg
	}
	var p problems
	if q.Source != "" {
		if q.Kind != "" && !q.Kind.Valid() {
			p.add("kind", "unknown kind %q", q.Kind)
		}
		if q.Link != nil {
			p.add(arg, "entities of a dataset are not listed by a link too")
		}
	} else if !q.Kind.Valid() {
		p.add("kind", "unknown kind %q", q.Kind)
	}
	if q.Status != "" && (!q.Status.Valid() || q.Kind != Allegation) {
		p.add("status", "%q is not an allegation status", q.Status)
	}
	if q.Link != nil {
		if !q.Link.Type.Valid() {
			p.add("type", "unknown relationship type %q", q.Link.Type)
		}
		if q.Link.Entity == "" {
			p.add(arg, "must not be empty")
		}
		if !q.Link.Direction.Valid() {
			p.add("direction", "unknown direction %q", q.Link.Direction)
		}
	}
	q.First = s.page(&p, first)
	if err := p.err(op); err != nil {
		return EntityPage{}, err
	}
	page, err := s.store.ListEntities(ctx, q)
	if q.Source != "" && IsNotFound(err) {
		return page, &Error{Op: op, Kind: KindNotFound, ID: q.Source,
			Problems: []Problem{{Path: "dataset", Reason: "no entity with id " + quote(q.Source)}}}
	}
	if q.Link != nil && IsNotFound(err) {
		// The anchor does not exist: say so in the client's words.
		return page, &Error{Op: op, Kind: KindNotFound, ID: q.Link.Entity,
			Problems: []Problem{{Path: arg, Reason: "no entity with id " + quote(q.Link.Entity)}}}
	}
	return page, err
}

// Relationships lists relationships of an entity, asserted by a source
// (article or dataset), or flagged unsupported.
func (s *Service) Relationships(ctx context.Context, q RelQuery, first *int) (RelationshipPage, error) {
	op := q.Op
	if op == "" {
		op = "relationships"
	}
	var p problems
	if q.Entity == "" && q.Source == "" && !q.Unsupported {
		p.add("entity", "an entity, a source or unsupported: true is needed")
	}
	if q.Direction == "" {
		q.Direction = Both
	}
	if !q.Direction.Valid() {
		p.add("direction", "unknown direction %q", q.Direction)
	}
	checkTypes(&p, "types", q.Types)
	if q.MinSources < 0 {
		p.add("minSources", "must not be negative")
	}
	if !q.AsOf.Valid() {
		p.add("asOf", "is not a valid date")
	}
	q.First = s.page(&p, first)
	if err := p.err(op); err != nil {
		return RelationshipPage{}, err
	}
	return s.store.ListRelationships(ctx, q)
}

// Network expands the ego network of the seeds. depth and limit nil take the
// defaults.
func (s *Service) Network(ctx context.Context, q NetworkQuery, depth, limit *int) (Subgraph, error) {
	const op = "network"
	var p problems
	if len(q.Seeds) == 0 {
		p.add("seeds", "at least one seed is needed")
	} else if len(q.Seeds) > s.limits.MaxSeeds {
		p.add("seeds", "%d seeds is above the maximum %d", len(q.Seeds), s.limits.MaxSeeds)
	}
	q.Seeds = dedupe(q.Seeds)
	for i, id := range q.Seeds {
		if id == "" {
			p.add("seeds"+index(i), "must not be empty")
		}
	}
	q.Depth = s.limits.DefaultDepth
	if depth != nil {
		q.Depth = *depth
		if *depth < 1 || *depth > s.limits.MaxDepth {
			p.add("depth", "%d is outside 1..%d", *depth, s.limits.MaxDepth)
		}
	}
	q.Limit = s.limits.DefaultNodes
	if limit != nil {
		q.Limit = *limit
		if *limit < 1 || *limit > s.limits.MaxNodes {
			p.add("limit", "%d is outside 1..%d", *limit, s.limits.MaxNodes)
		}
	}
	if q.PerHop < 0 {
		p.add("perHop", "must not be negative")
	}
	checkTypes(&p, "types", q.Types)
	if err := p.err(op); err != nil {
		return Subgraph{}, err
	}
	if err := s.mustExist(ctx, op, "seeds", q.Seeds); err != nil {
		return Subgraph{}, err
	}
	if q.Limit < len(q.Seeds) {
		q.Limit = len(q.Seeds)
	}
	return s.store.Network(ctx, q)
}

// Paths finds the shortest paths between two entities.
func (s *Service) Paths(ctx context.Context, q PathQuery, maxLength, first *int) ([]Path, error) {
	const op = "paths"
	var p problems
	if q.From == "" {
		p.add("from", "must not be empty")
	}
	if q.To == "" {
		p.add("to", "must not be empty")
	}
	q.MaxLength = s.limits.DefaultPathLen
	if maxLength != nil {
		q.MaxLength = *maxLength
		if *maxLength < 1 || *maxLength > s.limits.MaxPathLen {
			p.add("maxLength", "%d is outside 1..%d", *maxLength, s.limits.MaxPathLen)
		}
	}
	q.First = s.limits.DefaultPaths
	if first != nil {
		q.First = *first
		if *first < 1 || *first > s.limits.MaxPaths {
			p.add("first", "%d is outside 1..%d", *first, s.limits.MaxPaths)
		}
	}
	checkTypes(&p, "types", q.Types)
	if err := p.err(op); err != nil {
		return nil, err
	}
	if err := s.mustExist(ctx, op, "from", []string{q.From}); err != nil {
		return nil, err
	}
	if err := s.mustExist(ctx, op, "to", []string{q.To}); err != nil {
		return nil, err
	}
	if q.From == q.To {
		e, err := s.Entity(ctx, q.From)
		if err != nil {
			return nil, err
		}
		return []Path{{Nodes: []Entity{e}}}, nil
	}
	return s.store.Paths(ctx, q)
}

func (s *Service) mustExist(ctx context.Context, op, arg string, ids []string) error {
	m, err := s.store.Entities(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, ok := m[id]; !ok {
			return &Error{Op: op, Kind: KindNotFound, ID: id, Problems: []Problem{{Path: arg, Reason: "no entity with id " + quote(id)}}}
		}
	}
	return nil
}

func quote(s string) string { return `"` + s + `"` }

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// UpsertEntity validates and writes one entity.
func (s *Service) UpsertEntity(ctx context.Context, e Entity) (Entity, error) {
	b := Batch{Entities: []Entity{e}}
	if err := s.Apply(ctx, "upsertEntity", &b, BatchPaths{Entity: func(int) string { return "entity" }}); err != nil {
		return Entity{}, err
	}
	return s.Entity(ctx, b.Entities[0].ID)
}

// UpsertRelationship validates and writes one relationship; its evidence is
// merged into what is stored.
func (s *Service) UpsertRelationship(ctx context.Context, r Relationship) (Relationship, error) {
	b := Batch{Relationships: []Relationship{r}}
	if err := s.Apply(ctx, "upsertRelationship", &b, BatchPaths{Relationship: func(int) string { return "relationship" }}); err != nil {
		return Relationship{}, err
	}
	return s.Relationship(ctx, b.Relationships[0].ID)
}

// AddEvidence adds one piece of evidence to a relationship.
func (s *Service) AddEvidence(ctx context.Context, relID string, ev Evidence) (Relationship, error) {
	b := Batch{Evidence: []EvidenceAdd{{Relationship: relID, Evidence: ev}}}
	if err := s.Apply(ctx, "addEvidence", &b, BatchPaths{Evidence: func(int) string { return "evidence" }}); err != nil {
		return Relationship{}, err
	}
	return s.Relationship(ctx, relID)
}

// BatchPaths names where each item of a batch came from, so problems point
// at the caller's input (a GraphQL argument, a dossier's JSON path). Nil
// functions name items "entities[i]", "relationships[i]", "evidence[i]".
type BatchPaths struct {
	Entity       func(i int) string
	Relationship func(i int) string
	Evidence     func(i int) string
	// Removal names the argument of a removal (Batch.Remove) when it has
	// a single item; else items are named "remove.entities[i]", ...
	Removal string
}

func (bp BatchPaths) entity(i int) string {
	if bp.Entity != nil {
		return bp.Entity(i)
	}
	return "entities" + index(i)
}

func (bp BatchPaths) relationship(i int) string {
	if bp.Relationship != nil {
		return bp.Relationship(i)
	}
	return "relationships" + index(i)
}

func (bp BatchPaths) evidence(i int) string {
	if bp.Evidence != nil {
		return bp.Evidence(i)
	}
	return "evidence" + index(i)
}

// Apply normalises and validates each item of a batch, reporting every
// problem at once, then has the store apply it; the store decides the rest
// (references, kinds, endpoints, conflicts) with Decide inside its write
// transaction, and records it in the audit log in the same transaction,
// attributed to ctx's principal (see Authorize: writing needs RoleEditor).
// The batch is normalised in place (ids filled).
func (s *Service) Apply(ctx context.Context, op string, b *Batch, paths BatchPaths) error {
	actor, err := Authorize(ctx, op, RoleEditor)
	if err != nil {
		return err
	}
	if n := len(b.Entities) + len(b.Relationships) + len(b.Evidence); n > s.limits.MaxBatchEntities {
		return Invalidf(op, "batch", "%d items is above the maximum %d per write", n, s.limits.MaxBatchEntities)
	}
	var p problems
	for i := range b.Entities {
		b.Entities[i].Normalize()
		p.list = append(p.list, b.Entities[i].Validate(paths.entity(i))...)
	}
	for i := range b.Relationships {
		b.Relationships[i].Normalize()
		p.list = append(p.list, b.Relationships[i].Validate(paths.relationship(i))...)
	}
	for i := range b.Proposals {
		b.Proposals[i].Normalize()
		p.list = append(p.list, b.Proposals[i].Validate("proposals"+index(i))...)
	}
	for i := range b.Evidence {
		ev := &b.Evidence[i]
		ev.Evidence.Normalize()
		if ev.Relationship == "" {
			p.add(joinPath(paths.evidence(i), "relationship"), "must not be empty")
		}
		p.list = append(p.list, ev.Evidence.Validate(paths.evidence(i))...)
	}
	if err := p.err(op); err != nil {
		return err
	}

	// References, kinds, endpoints, conflicts and the evidence cap are
	// decided by Decide inside the store's write transaction.
	b.Op, b.Paths = op, paths
	b.Audit = writeMeta(ctx, actor, op)
	if b.Empty() {
		return nil
	}
	return s.store.Apply(ctx, *b)
}
