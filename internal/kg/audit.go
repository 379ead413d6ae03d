package kg

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"
)

// The audit log. Every write through Service is recorded, in the same
// store transaction as the write itself: who (the principal's name), when,
// the operation, and the value of each entity and relationship it changed
// before and after. A write that changes nothing is not recorded (so
// re-ingesting a dossier adds nothing to the log either). Key creation and
// revocation are recorded too. An admin reads the log with Service.AuditLog
// and undoes one write with Service.RevertWrite, itself recorded.

// AuditMeta is what the caller of a write tells the store to record; the
// store adds the id, the time and the changes.
type AuditMeta struct {
	Actor string // who: a key's name, ActorAnonymous, ActorCLI, ...
	Op    string // the operation: "upsertEntity", "ingestDossier", "revertWrite", ...
	// WhileNoKeys, on a write (Batch.Audit), has the store refuse it with
	// KeysExist when an active API key exists, checked inside the write's
	// transaction and serialised with CreateKey (Principal.WhileNoKeys).
	// It is not recorded.
	WhileNoKeys bool `json:"-"`
}

// AuditRecord is one entry of the audit log.
type AuditRecord struct {
	// ID orders the log: it starts with the time (AuditIDFloor), so ids
	// sort as the records were written.
	ID    string    `json:"id"`
	Time  time.Time `json:"time"`
	Actor string    `json:"actor"`
	Op    string    `json:"op"`
	// Reverts is, for a revert, the id of the write it undid.
	Reverts string `json:"reverts,omitempty"`
	// RevertedBy is the id of the last revert of this write, if any.
	RevertedBy string `json:"revertedBy,omitempty"`
	// Key names the key a key operation (createKey, revokeKey) was about.
	Key *KeyRef `json:"key,omitempty"`
	// Verdict is the duplicate pair a judgeDuplicate was about.
	Verdict *VerdictRef `json:"verdict,omitempty"`
	// Duplicates are the pairs a scanDuplicates recorded.
	Duplicates []DuplicateRef `json:"duplicates,omitempty"`

	Entities      []EntityChange       `json:"entities,omitempty"`
	Relationships []RelationshipChange `json:"relationships,omitempty"`
	// Proposals are the review-queue proposals the write stored, decided
	// or removed (After nil). A revert restores them too.
	Proposals []ProposalChange `json:"proposals,omitempty"`
}

// ProposalChange is a proposal before and after a write (Before nil when
// the write stored it first, After nil when it removed it).
type ProposalChange struct {
	ID     string    `json:"id"`
	Before *Proposal `json:"before"`
	After  *Proposal `json:"after"`
}

// KeyRef is the key a key operation concerned (never its hash or secret).
type KeyRef struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
}

// EntityChange is an entity's value before and after a write: Before nil
// when the write created it, After nil when it removed it (a revert).
type EntityChange struct {
	ID     string  `json:"id"`
	Before *Entity `json:"before"`
	After  *Entity `json:"after"`
}

// RelationshipChange is a relationship's value before and after a write.
type RelationshipChange struct {
	ID     string        `json:"id"`
	Before *Relationship `json:"before"`
	After  *Relationship `json:"after"`
}

// Subjects are the ids the log is searched by (AuditQuery.Entity): every
// entity and relationship the record changed, both ends of each of its
// relationships, and the sources (articles, datasets) whose evidence on them the write added,
// changed or removed (so a retraction is found by its article). Sorted, no
// duplicates.
func (r *AuditRecord) Subjects() []string {
	set := make(map[string]bool, len(r.Entities)+2*len(r.Relationships))
	if v := r.Verdict; v != nil {
		set[v.A], set[v.B] = true, true
	}
	for _, d := range r.Duplicates {
		set[d.A], set[d.B] = true, true
	}
	for _, c := range r.Entities {
		set[c.ID] = true
	}
	for _, c := range r.Proposals {
		set[c.ID] = true
		for _, v := range []*Proposal{c.Before, c.After} {
			if v != nil {
				set[v.Article] = true
			}
		}
	}
	for _, c := range r.Relationships {
		set[c.ID] = true
		if c.Before == nil || c.After == nil {
			// Created or removed: every source on it changed.
			for _, v := range []*Relationship{c.Before, c.After} {
				if v != nil {
					set[v.From], set[v.To] = true, true
					for i := range v.Evidence {
						set[v.Evidence[i].Source()] = true
					}
				}
			}
			continue
		}
		byArticle := map[string][2][]Evidence{}
		for side, v := range []*Relationship{c.Before, c.After} {
			if v == nil {
				continue
			}
			set[v.From], set[v.To] = true, true
			for _, ev := range v.Evidence {
				pair := byArticle[ev.Source()]
				pair[side] = append(pair[side], ev)
				byArticle[ev.Source()] = pair
			}
		}
		for article, pair := range byArticle {
			if !sameEvidenceList(pair[0], pair[1]) {
				set[article] = true
			}
		}
	}
	return sortedKeys(set)
}

// auditTimeLayout is the time part of an audit id: fixed width, so that ids
// sort as their times do.
const auditTimeLayout = "20060102T150405.000000000Z"

// NewAuditID returns an id for a record written at at: the time, then a
// random suffix that keeps ids of one instant apart.
func NewAuditID(at time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return AuditIDFloor(at) + "-" + hex.EncodeToString(b)
}

// AuditIDFloor is the lowest id of a record written at t or later.
func AuditIDFloor(t time.Time) string { return t.UTC().Format(auditTimeLayout) }

// NewWriteRecord builds the record of a decided write: the changes are the
// entities and relationships of d whose value differs from what st read.
// ok is false when the write changes nothing. ID and Time are left for the
// store to fill in its transaction.
func NewWriteRecord(m AuditMeta, st Stored, d Decision) (rec AuditRecord, ok bool) {
	rec = AuditRecord{Actor: m.Actor, Op: m.Op}
	for i := range d.Entities {
		after := d.Entities[i]
		var before *Entity
		if old, ok := st.Entities[after.ID]; ok {
			if SameEntity(old, &after) {
				continue
			}
			b := *old
			before = &b
		}
		rec.Entities = append(rec.Entities, EntityChange{ID: after.ID, Before: before, After: &after})
	}
	for i := range d.Relationships {
		after := d.Relationships[i]
		var before *Relationship
		if old, ok := st.relationship(after.ID); ok {
			if SameRelationship(&old, &after) {
				continue
			}
			before = &old
		}
		rec.Relationships = append(rec.Relationships, RelationshipChange{ID: after.ID, Before: before, After: &after})
	}
	for _, id := range d.RemoveEntities {
		if old, ok := st.Entities[id]; ok {
			b := *old
			rec.Entities = append(rec.Entities, EntityChange{ID: id, Before: &b})
		}
	}
	for _, id := range d.RemoveRelationships {
		if old, ok := st.relationship(id); ok {
			rec.Relationships = append(rec.Relationships, RelationshipChange{ID: id, Before: &old})
		}
	}
	for i := range d.Proposals {
		after := d.Proposals[i]
		var before *Proposal
		if old, ok := st.Proposals[after.ID]; ok {
			before = &old
		}
		rec.Proposals = append(rec.Proposals, ProposalChange{ID: after.ID, Before: before, After: &after})
	}
	for i := range d.RemoveProposals {
		before := d.RemoveProposals[i]
		rec.Proposals = append(rec.Proposals, ProposalChange{ID: before.ID, Before: &before})
	}
	return rec, len(rec.Entities)+len(rec.Relationships)+len(rec.Proposals) > 0
}

// NewKeyRecord builds the record of a key operation.
func NewKeyRecord(m AuditMeta, k APIKey) AuditRecord {
	return AuditRecord{Actor: m.Actor, Op: m.Op, Key: &KeyRef{Name: k.Name, Role: k.Role}}
}

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// AuditQuery selects records of the log, oldest first.
type AuditQuery struct {
	Entity string    // only records whose Subjects include this id
	Actor  string    // only records of this actor
	Since  time.Time // only records written at or after this time
	First  int
	After  string // the id of the last record of the previous page ("" for the start)
}

// AuditPage is a page of the log.
type AuditPage struct {
	Records     []AuditRecord
	HasNextPage bool
}

// AuditStore keeps the audit log. Records are written by Apply (a Batch
// with Audit set), CreateKey, RevokeKey and Revert, inside their
// transactions.
type AuditStore interface {
	// AuditLog lists records matching q in id order, at most q.First.
	AuditLog(ctx context.Context, q AuditQuery) (AuditPage, error)
	// AuditRecord returns one record; KindNotFound when there is none.
	AuditRecord(ctx context.Context, id string) (AuditRecord, error)
	// Revert undoes the write recorded as id, in one transaction decided by
	// DecideRevert (see there for the rules): every entity and relationship
	// it changed gets back its value from before the write (created ones
	// are removed), a record of the revert (Op audit.Op, Reverts id) is
	// written, and the reverted record's RevertedBy is set. It returns the
	// revert's record.
	Revert(ctx context.Context, id string, audit AuditMeta) (AuditRecord, error)
	// ImportAudit stores records exactly as given (ids, times, RevertedBy),
	// as a copy between stores does, in one transaction: a record whose id
	// is stored is replaced. The ids keep their times, so records written
	// later sort after the imported ones (the embedded store makes sure;
	// Neo4j's ids take the clock's time).
	ImportAudit(ctx context.Context, recs []AuditRecord) error
}

// AuditLog lists the audit log (admin only), oldest first. since may be
// zero; after is the cursor of the last record of the previous page.
func (s *Service) AuditLog(ctx context.Context, q AuditQuery, first *int) (AuditPage, error) {
	const op = "auditLog"
	if _, err := Authorize(ctx, op, RoleAdmin); err != nil {
		return AuditPage{}, err
	}
	var p problems
	q.First = s.page(&p, first)
	if err := p.err(op); err != nil {
		return AuditPage{}, err
	}
	if q.After != "" {
		parts, err := DecodeCursor(op, q.After, 1)
		if err != nil {
			return AuditPage{}, err
		}
		q.After = parts[0]
	}
	return s.store.AuditLog(ctx, q)
}

// AuditCursor is the cursor of a record in AuditLog's pages.
func AuditCursor(r *AuditRecord) string { return EncodeCursor(r.ID) }

// ScanAudit calls fn for every record matching q (First and After
// ignored), oldest first, a page at a time (admin only).
func (s *Service) ScanAudit(ctx context.Context, q AuditQuery, fn func(AuditRecord) error) error {
	first := s.limits.MaxPageSize
	q.After = ""
	for {
		page, err := s.AuditLog(ctx, q, &first)
		if err != nil {
			return err
		}
		for _, r := range page.Records {
			if err := fn(r); err != nil {
				return err
			}
		}
		if !page.HasNextPage || len(page.Records) == 0 {
			return nil
		}
		q.After = AuditCursor(&page.Records[len(page.Records)-1])
	}
}

// AuditRecord returns one record of the log (admin only).
func (s *Service) AuditRecord(ctx context.Context, id string) (AuditRecord, error) {
	const op = "auditRecord"
	if _, err := Authorize(ctx, op, RoleAdmin); err != nil {
		return AuditRecord{}, err
	}
	if id == "" {
		return AuditRecord{}, Invalidf(op, "id", "must not be empty")
	}
	return s.store.AuditRecord(ctx, id)
}

// RevertWrite undoes one recorded write (admin only) and returns the
// record of the revert. See DecideRevert for what may be reverted.
func (s *Service) RevertWrite(ctx context.Context, id string) (AuditRecord, error) {
	const op = "revertWrite"
	actor, err := Authorize(ctx, op, RoleAdmin)
	if err != nil {
		return AuditRecord{}, err
	}
	if id == "" {
		return AuditRecord{}, Invalidf(op, "id", "must not be empty")
	}
	return s.store.Revert(ctx, id, AuditMeta{Actor: actor, Op: op})
}

// sortedUnique sorts and compacts ids in place.
func sortedUnique(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}
