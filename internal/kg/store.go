package kg

import (
	"bytes"
	"context"
	"encoding/base64"
	"strconv"
)

// Store is what every backend implements. It is deliberately narrow: input
// validation, defaults and caps are Service's job and happen once, above the
// stores, so a Store may assume its arguments are valid and within limits
// (non-empty ids, known kinds and types, First within bounds).
//
// Every method returns *Error values: KindNotFound with the id for missing
// references (never a nil value and nil error), KindInvalid for a malformed
// cursor, KindUnavailable when the backend cannot be reached.
// The conformance suite in internal/store/storetest pins down the contract.
type Store interface {
	// Apply writes a batch atomically: all of it or, on error, none of it.
	// What is written is decided by Decide, inside the store's write
	// transaction and under locks that keep what it read current: entities
	// are upserted whole (replacing what was stored under the id, never
	// changing its kind); relationships are upserted by id (role and dates
	// replaced, type and ends fixed once stored, evidence merged with
	// MergeEvidence); evidence additions name a relationship that exists or
	// is in the batch; references must exist in the store or in the batch
	// (KindNotFound naming the first missing id). Applying the same batch
	// twice leaves the store as after the first. With b.Audit set, the
	// record of the write (NewWriteRecord) is written in the same
	// transaction; with b.Audit.WhileNoKeys, the write is KeysExist
	// (KindUnauthenticated, nothing written) when an active key exists,
	// checked in the transaction and serialised with CreateKey. A removal (b.Remove) deletes what Decide says, after
	// reading b.Detached's ties (Stored.Attached, Citing, Naming); its
	// record has the removed values as Before with After nil. b.Decided,
	// when set, is called after the commit.
	Apply(ctx context.Context, b Batch) error

	// Entities returns the entities with the given ids that exist, keyed by
	// id; missing ids are simply absent from the map.
	Entities(ctx context.Context, ids []string) (map[string]Entity, error)
	// EntityHeads is Entities without an article's text (Text is empty):
	// what evidence and relationship ends show, without shipping every
	// cited article whole.
	EntityHeads(ctx context.Context, ids []string) (map[string]Entity, error)
	// Relationships returns the relationships with the given ids that exist.
	Relationships(ctx context.Context, ids []string) (map[string]Relationship, error)

	// FindEntities returns the ids of entities that carry one of m's
	// identifiers, then of entities of kind m.Kind whose normalised name or
	// alias equals the normalised form of one of m.Names; no duplicates.
	FindEntities(ctx context.Context, m Match) ([]string, error)

	// Search is ranked full-text search over names and aliases: case- and
	// accent-insensitive, with prefix and typo tolerance.
	Search(ctx context.Context, q SearchQuery) (EntityPage, error)
	// ListEntities lists entities of one kind in id order.
	ListEntities(ctx context.Context, q ListQuery) (EntityPage, error)
	// ListRelationships lists relationships in id order, with a keyset cursor.
	ListRelationships(ctx context.Context, q RelQuery) (RelationshipPage, error)

	// Network expands an ego network breadth first from the seeds and
	// returns it with its induced edges: every relationship passing the
	// query's Types and AsOf whose ends are both returned nodes, whether or
	// not the expansion followed it.
	Network(ctx context.Context, q NetworkQuery) (Subgraph, error)
	// Paths returns the shortest undirected paths between two entities.
	Paths(ctx context.Context, q PathQuery) ([]Path, error)

	// ScanEntities calls fn for every entity, in id order, without holding
	// the whole graph in memory on the caller's side. An error from fn stops
	// the scan and is returned.
	ScanEntities(ctx context.Context, fn func(Entity) error) error
	// ScanRelationships calls fn for every relationship, in id order.
	ScanRelationships(ctx context.Context, fn func(Relationship) error) error

	// Snapshot calls fn with a View of the whole graph, valid until fn
	// returns; see View for what it promises while others write.
	// Whole-graph exports read through it.
	Snapshot(ctx context.Context, fn func(View) error) error

	// Counts reports how much the store holds.
	Counts(ctx context.Context) (Counts, error)

	// Close releases the store's resources.
	Close() error

	// Keys and the audit log live in the same store as the graph, so that
	// a write and its audit record commit together.
	KeyStore
	AuditStore
	RedirectStore
	DuplicateStore
	ProposalStore
}

// View is a read of the whole graph (Store.Snapshot). Every store keeps two
// promises, whatever is written meanwhile, when its entities are scanned
// before its relationships:
//
//   - every relationship it yields has both ends among the entities it
//     yielded;
//   - every entity and relationship that no write changes or removes while
//     the view is open is yielded, exactly as stored.
//
// The embedded store promises more: its view is one bbolt read
// transaction, so both scans read one state of the graph. Neo4j's
// isolation is read committed, so what is written during the view may show
// partly: an entity changed during the entity scan appears with its value
// before or after the change; a relationship committed after the entity
// scan appears only if the scan yielded both its ends (it is left out
// otherwise); one removed during the scans may or may not appear; the
// relationship scan may see writes the entity scan did not. Scans are in id
// order, as the Store's.
type View interface {
	ScanEntities(ctx context.Context, fn func(Entity) error) error
	ScanRelationships(ctx context.Context, fn func(Relationship) error) error
}

// Batch is one atomic write. Stores decide it with Decide (write.go).
type Batch struct {
	Entities      []Entity
	Relationships []Relationship
	Evidence      []EvidenceAdd
	// Remove, when not empty, makes the batch a removal (curate.go).
	Remove Removal
	// Merge, when set, makes the batch a merge (merge.go).
	Merge *Merge
	// Proposals are review-queue proposals to store with the write
	// (decided by Decide: a decided proposal is never made pending again).
	Proposals []Proposal
	// Reading, when set, is the article Proposals are a new reading of:
	// its pending proposals that Proposals does not hold are removed
	// (the new reading no longer makes them); decided ones stay.
	Reading string

	// Op names the operation in errors ("apply" when empty) and Paths
	// locates problems in the caller's input; neither is stored.
	Op    string
	Paths BatchPaths

	// Audit, when set, has the store record the write in the audit log in
	// the same transaction (NewWriteRecord: nothing is recorded when the
	// write changes nothing). Service sets it on every write; bulk copies
	// between stores leave it nil.
	Audit *AuditMeta

	// Decided, when set, is called with the decision once the write has
	// committed (Service reports what a removal removed and kept).
	Decided func(Decision)
}

// Empty reports whether the batch writes nothing.
func (b *Batch) Empty() bool {
	return len(b.Entities) == 0 && len(b.Relationships) == 0 && len(b.Evidence) == 0 && b.Remove.Empty() && b.Merge.Empty() && len(b.Proposals) == 0
}

// EvidenceAdd adds one piece of evidence to an existing relationship.
type EvidenceAdd struct {
	Relationship string
	Evidence     Evidence
}

// Match asks which stored entities an incoming entity is the same as.
type Match struct {
	Kind        Kind
	Identifiers []Identifier
	Names       []string
}

// Direction says which relationships of an entity to follow.
type Direction string

const (
	Out  Direction = "OUT"  // relationships from the entity
	In   Direction = "IN"   // relationships to the entity
	Both Direction = "BOTH" // either
)

// Valid reports whether d is one of the three directions.
func (d Direction) Valid() bool { return d == Out || d == In || d == Both }

// SearchQuery is a full-text search.
type SearchQuery struct {
	Text  string
	Kinds []Kind // none: all kinds
	First int
	After string // cursor of the last hit of the previous page
}

// Link restricts a listing to entities tied to another entity: with
// Direction Out, listed -[Type]-> Entity; with In, Entity -[Type]-> listed.
type Link struct {
	Type      RelType
	Entity    string
	Direction Direction
	// Arg names the argument Entity came from ("outlet", "accused"), so
	// that errors name what the client sent; "entity" when empty.
	Arg string
}

// ListQuery lists entities of one kind, or, with Source set, the entities
// imported from that dataset (Entity.Sources), of Kind when it is set.
type ListQuery struct {
	// Op names the operation in errors ("articles"); "list" when empty.
	Op     string
	Kind   Kind
	Source string           // a DATASET's id
	Status AllegationStatus // allegations only; "" for any
	Link   *Link            // optional
	First  int
	After  string
}

// RelQuery lists relationships: those of Entity (in Direction), or, when
// Entity is empty, those that Source (an article or a dataset) gives
// evidence for, or, when both are empty and Unsupported is set, every
// relationship flagged Unsupported. Any of them may be combined.
type RelQuery struct {
	// Op names the operation in errors ("mentions"); "relationships" when empty.
	Op         string
	Entity     string
	Direction  Direction
	Types      []RelType // none: all
	AsOf       Date      // zero: any time
	Source     string    // only relationships with evidence from this article or dataset
	MinSources int       // only relationships supported by at least this many distinct sources
	// Unsupported keeps only the relationships flagged Unsupported (a
	// retraction left them with no evidence).
	Unsupported bool
	First       int
	After       string
}

// NetworkQuery asks for the ego network of one or more seeds.
type NetworkQuery struct {
	Seeds []string
	Depth int       // hops from the seeds, >= 1
	Types []RelType // none: all
	AsOf  Date
	Limit int // at most this many nodes, seeds included
	// PerHop caps how many new nodes one hop may add (0: no cap beyond
	// Limit), so that a hub among the first neighbours cannot crowd out the
	// rest of the neighbourhood.
	PerHop int
}

// PathQuery asks for the shortest paths between two entities, following
// relationships in either direction.
type PathQuery struct {
	From, To  string
	MaxLength int // in edges, >= 1
	Types     []RelType
	AsOf      Date
	First     int // at most this many paths
}

// EntityEdge is one entity of a page with its cursor (and search score).
type EntityEdge struct {
	Entity Entity
	Cursor string
	Score  float64
}

// EntityPage is a page of entities.
type EntityPage struct {
	Edges       []EntityEdge
	TotalCount  int
	HasNextPage bool
}

// RelationshipEdge is one relationship of a page with its cursor.
type RelationshipEdge struct {
	Relationship Relationship
	Cursor       string
}

// RelationshipPage is a page of relationships.
type RelationshipPage struct {
	Edges       []RelationshipEdge
	TotalCount  int
	HasNextPage bool
}

// Subgraph is a ready-to-draw piece of the graph: nodes (seeds first, then
// in breadth-first order) and every relationship among them that passes
// the query's filters (the induced subgraph, so an edge between two nodes
// reached at the last hop is there too), each once, ordered by the earlier
// of its ends in Nodes, then by id (so an expansion that follows every
// relationship lists them in the order it meets them). Truncated is true when Limit or PerHop left out nodes that
// the depth would have reached.
type Subgraph struct {
	Nodes     []Entity
	Edges     []Relationship
	Truncated bool
}

// Path is a walk from one entity to another: len(Nodes) == len(Edges)+1,
// Edges[i] connects Nodes[i] and Nodes[i+1] (in either direction).
type Path struct {
	Nodes []Entity
	Edges []Relationship
}

// Counts is how much a store holds.
type Counts struct {
	Entities      int
	Relationships int
	ByKind        map[Kind]int
}

// EncodeCursor packs key parts into an opaque cursor. Each part is
// length-prefixed, so any stored text (NUL and separators included)
// survives the round trip.
func EncodeCursor(parts ...string) string {
	var b []byte
	for _, p := range parts {
		b = strconv.AppendInt(b, int64(len(p)), 10)
		b = append(b, ':')
		b = append(b, p...)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor unpacks a cursor made by EncodeCursor into want parts; a
// malformed cursor is a KindInvalid error about the argument "after".
func DecodeCursor(op, cursor string, want int) ([]string, error) {
	bad := Invalidf(op, "after", "%q is not a cursor this query returned", cursor)
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, bad
	}
	parts := make([]string, 0, want)
	for len(b) > 0 && len(parts) < want {
		colon := bytes.IndexByte(b, ':')
		if colon < 1 || colon > 10 {
			return nil, bad
		}
		n, err := strconv.Atoi(string(b[:colon]))
		if err != nil || n < 0 || n > len(b)-colon-1 || (colon > 1 && b[0] == '0') {
			return nil, bad
		}
		parts = append(parts, string(b[colon+1:colon+1+n]))
		b = b[colon+1+n:]
	}
	if len(b) != 0 || len(parts) != want {
		return nil, bad
	}
	return parts, nil
}
