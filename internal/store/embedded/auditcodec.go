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
	if n := r.count(); n > 0 {
		rec.Entities = make([]kg.EntityChange, n)
		for i := range rec.Entities {
			c := &rec.Entities[i]
			c.ID = r.str()
			flags := r.uint()
			for _, side := range []struct {
				bit uint64
				dst **kg.Entity
			}{{auditBefore, &c.Before}, {auditAfter, &c.After}} {
				if flags&side.bit == 0 || r.err != nil {
					continue
				}
				e, err := decodeEntity([]byte(c.ID), []byte(r.str()))
				if r.err != nil {
					break
				}
				if err != nil {
					return rec, err
				}
				*side.dst = &e
			}
		}
	}
	if n := r.count(); n > 0 {
		rec.Relationships = make([]kg.RelationshipChange, n)
		for i := range rec.Relationships {
			c := &rec.Relationships[i]
			c.ID = r.str()
			flags := r.uint()
			for _, side := range []struct {
				bit uint64
				dst **kg.Relationship
			}{{auditBefore, &c.Before}, {auditAfter, &c.After}} {
				if flags&side.bit == 0 || r.err != nil {
					continue
				}
				rel, err := decodeRelationship([]byte(c.ID), []byte(r.str()))
				if r.err != nil {
					break
				}
				if err != nil {
					return rec, err
				}
				*side.dst = &rel
			}
		}
	}
	return rec, r.end()
}
