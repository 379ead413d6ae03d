package embedded

import (
	"encoding/json"
	"fmt"

	"github.com/polgraph/polgraph/internal/kg"
)

// An audit record is stored as a version byte (recAuditV1), its head as
// JSON (id, time, actor, op, reverts, key, verdict, proposals: small), then
// its entity and relationship changes in the records' binary encoding
// (codec.go): a count, then per change the id, a flags uvarint (1: before,
// 2: after) and each present value as a length-prefixed record. An
// import's batch records tens of thousands of changes, and JSON cost most
// of writing them. A record written before this encoding is a JSON object
// (starting with '{'), which decodeAudit still reads.
const recAuditV1 = 0x21

const (
	auditBefore = 1
	auditAfter  = 2
)

func encodeAudit(rec *kg.AuditRecord) ([]byte, error) {
	head := *rec
	head.Entities, head.Relationships = nil, nil
	hj, err := json.Marshal(&head)
	if err != nil {
		return nil, err
	}
	w := recWriter{b: make([]byte, 0, 1+len(hj)+8+160*(len(rec.Entities)+len(rec.Relationships)))}
	w.b = append(w.b, recAuditV1)
	w.uint(uint64(len(hj)))
	w.b = append(w.b, hj...)
	var scratch []byte
	value := func(enc func([]byte) []byte) {
		scratch = enc(scratch[:0])
		w.uint(uint64(len(scratch)))
		w.b = append(w.b, scratch...)
	}
	w.uint(uint64(len(rec.Entities)))
	for i := range rec.Entities {
		c := &rec.Entities[i]
		w.str(c.ID)
		w.uint(changeFlags(c.Before != nil, c.After != nil))
		if c.Before != nil {
			value(func(b []byte) []byte { return encodeEntity(b, c.Before) })
		}
		if c.After != nil {
			value(func(b []byte) []byte { return encodeEntity(b, c.After) })
		}
	}
	w.uint(uint64(len(rec.Relationships)))
	for i := range rec.Relationships {
		c := &rec.Relationships[i]
		w.str(c.ID)
		w.uint(changeFlags(c.Before != nil, c.After != nil))
		if c.Before != nil {
			value(func(b []byte) []byte { return encodeRelationship(b, c.Before) })
		}
		if c.After != nil {
			value(func(b []byte) []byte { return encodeRelationship(b, c.After) })
		}
	}
	return w.b, nil
}

func changeFlags(before, after bool) uint64 {
	var f uint64
	if before {
		f |= auditBefore
	}
	if after {
		f |= auditAfter
	}
	return f
}

// decodeAudit decodes a stored audit record; the result shares no memory
// with v.
func decodeAudit(v []byte) (kg.AuditRecord, error) {
	var rec kg.AuditRecord
	if len(v) > 0 && v[0] == '{' {
		err := json.Unmarshal(v, &rec)
		return rec, err
	}
	if len(v) == 0 || v[0] != recAuditV1 {
		return rec, fmt.Errorf("not an audit record this version reads")
	}
	r := recReader{s: string(v[1:])}
	head := r.str()
	if r.err != nil {
		return rec, r.err
	}
	if err := json.Unmarshal([]byte(head), &rec); err != nil {
		return rec, fmt.Errorf("head: %w", err)
	}
	var err error
	if rec.Entities, err = decodeChanges(&r, decodeEntity, func(id string, b, a *kg.Entity) kg.EntityChange {
		return kg.EntityChange{ID: id, Before: b, After: a}
	}); err != nil {
		return rec, err
	}
	if rec.Relationships, err = decodeChanges(&r, decodeRelationship, func(id string, b, a *kg.Relationship) kg.RelationshipChange {
		return kg.RelationshipChange{ID: id, Before: b, After: a}
	}); err != nil {
		return rec, err
	}
	return rec, r.end()
}

// decodeChanges reads a list of changes: per change its id, its flags and
// the values present, decoded by decode and made a change by mk.
func decodeChanges[V, C any](r *recReader, decode func(key, v []byte) (V, error), mk func(id string, before, after *V) C) ([]C, error) {
	n := r.count()
	if n == 0 {
		return nil, r.err
	}
	out := make([]C, 0, n)
	for range n {
		id := r.str()
		flags := r.uint()
		var vals [2]*V
		for side, bit := range []uint64{auditBefore, auditAfter} {
			if flags&bit == 0 {
				continue
			}
			raw := r.str()
			if r.err != nil {
				return nil, r.err
			}
			v, err := decode([]byte(id), []byte(raw))
			if err != nil {
				return nil, err
			}
			vals[side] = &v
		}
		if r.err != nil {
			return nil, r.err
		}
		out = append(out, mk(id, vals[0], vals[1]))
	}
	return out, nil
}
