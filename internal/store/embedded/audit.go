package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/polgraph/polgraph/internal/kg"
)

// Keys and the audit log live in bbolt only (not in memory): they are
// small, and read once per authenticated request or audit query.

// update runs fn in a write transaction (callers hold writeMu); a
// *kg.Error from fn is returned as it is, anything else as an internal
// error of op.
func (s *Store) update(ctx context.Context, op string, fn func(tx *bolt.Tx) error) error {
	return boltTx(ctx, op, s.db.Update, fn)
}

// view runs fn in a read transaction, with update's errors.
func (s *Store) view(ctx context.Context, op string, fn func(tx *bolt.Tx) error) error {
	return boltTx(ctx, op, s.db.View, fn)
}

func boltTx(ctx context.Context, op string, run func(func(*bolt.Tx) error) error, fn func(tx *bolt.Tx) error) error {
	if err := ctxErr(ctx, op); err != nil {
		return err
	}
	err := run(fn)
	var kerr *kg.Error
	if err != nil && !errors.As(err, &kerr) {
		return kg.Internal(op, err)
	}
	return err
}

// CreateKey stores a new key and its audit record.
func (s *Store) CreateKey(ctx context.Context, k kg.APIKey, m kg.AuditMeta) error {
	const op = "createKey"
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.update(ctx, op, func(tx *bolt.Tx) error {
		keys, hashes := tx.Bucket(bucketKeys), tx.Bucket(bucketKeyHashes)
		if keys.Get([]byte(k.Name)) != nil {
			return kg.Conflict(op, k.Name, "a key named %q exists (names of revoked keys are not reused)", k.Name)
		}
		if hashes.Get([]byte(k.Hash)) != nil {
			return kg.Conflict(op, k.Name, "a key with this secret exists")
		}
		v, err := json.Marshal(&k)
		if err != nil {
			return err
		}
		if err := keys.Put([]byte(k.Name), v); err != nil {
			return err
		}
		if err := hashes.Put([]byte(k.Hash), []byte(k.Name)); err != nil {
			return err
		}
		rec := kg.NewKeyRecord(m, k)
		return s.putAudit(tx, &rec)
	})
}

func getKey(tx *bolt.Tx, name []byte) (kg.APIKey, bool, error) {
	v := tx.Bucket(bucketKeys).Get(name)
	if v == nil {
		return kg.APIKey{}, false, nil
	}
	var k kg.APIKey
	if err := json.Unmarshal(v, &k); err != nil {
		return kg.APIKey{}, false, fmt.Errorf("key %q: %w", name, err)
	}
	return k, true, nil
}

// KeyByHash finds a key by the hash of its secret.
func (s *Store) KeyByHash(ctx context.Context, hash string) (kg.APIKey, error) {
	const op = "keyByHash"
	var k kg.APIKey
	err := s.view(ctx, op, func(tx *bolt.Tx) error {
		name := tx.Bucket(bucketKeyHashes).Get([]byte(hash))
		if name == nil {
			return kg.NotFound(op, "")
		}
		var ok bool
		var err error
		if k, ok, err = getKey(tx, name); err == nil && !ok {
			err = fmt.Errorf("key hash index names %q, which is missing", name)
		}
		return err
	})
	return k, err
}

// ListKeys returns every key by name.
func (s *Store) ListKeys(ctx context.Context) ([]kg.APIKey, error) {
	var out []kg.APIKey
	err := s.view(ctx, "keys", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketKeys).ForEach(func(k, v []byte) error {
			var key kg.APIKey
			if err := json.Unmarshal(v, &key); err != nil {
				return fmt.Errorf("key %q: %w", k, err)
			}
			out = append(out, key)
			return nil
		})
	})
	return out, err
}

// RevokeKey marks a key revoked and records it.
func (s *Store) RevokeKey(ctx context.Context, name string, m kg.AuditMeta) (kg.APIKey, error) {
	const op = "revokeKey"
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var k kg.APIKey
	err := s.update(ctx, op, func(tx *bolt.Tx) error {
		var ok bool
		var err error
		if k, ok, err = getKey(tx, []byte(name)); err != nil {
			return err
		}
		if !ok {
			return kg.NotFound(op, name)
		}
		if !k.Active() {
			return kg.Conflict(op, name, "key %q was revoked at %s", name, k.Revoked.Format(time.RFC3339))
		}
		rec := kg.NewKeyRecord(m, k)
		if err := s.putAudit(tx, &rec); err != nil {
			return err
		}
		k.Revoked, k.RevokedBy = rec.Time, m.Actor
		v, err := json.Marshal(&k)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketKeys).Put([]byte(name), v)
	})
	return k, err
}

// ActiveKeys counts the keys not revoked.
func (s *Store) ActiveKeys(ctx context.Context) (int, error) {
	n := 0
	err := s.view(ctx, "activeKeys", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketKeys).ForEach(func(k, v []byte) error {
			var key kg.APIKey
			if err := json.Unmarshal(v, &key); err != nil {
				return fmt.Errorf("key %q: %w", k, err)
			}
			if key.Active() {
				n++
			}
			return nil
		})
	})
	return n, err
}

// ImportKeys stores keys as they are; see kg.KeyStore.
func (s *Store) ImportKeys(ctx context.Context, ks []kg.APIKey) error {
	const op = "importKeys"
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.update(ctx, op, func(tx *bolt.Tx) error {
		keys, hashes := tx.Bucket(bucketKeys), tx.Bucket(bucketKeyHashes)
		for i := range ks {
			k := &ks[i]
			old, ok, err := getKey(tx, []byte(k.Name))
			if err != nil {
				return err
			}
			if ok && old.Hash != k.Hash {
				return kg.Conflict(op, k.Name, "a key named %q exists in the target with another secret", k.Name)
			}
			if name := hashes.Get([]byte(k.Hash)); name != nil && string(name) != k.Name {
				return kg.Conflict(op, k.Name, "the secret of key %q is stored in the target as key %q", k.Name, name)
			}
			v, err := json.Marshal(k)
			if err != nil {
				return err
			}
			if err := keys.Put([]byte(k.Name), v); err != nil {
				return err
			}
			if err := hashes.Put([]byte(k.Hash), []byte(k.Name)); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportAudit stores records as they are; see kg.AuditStore.
func (s *Store) ImportAudit(ctx context.Context, recs []kg.AuditRecord) error {
	const op = "importAudit"
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	last := s.lastAudit
	err := s.update(ctx, op, func(tx *bolt.Tx) error {
		for i := range recs {
			rec := &recs[i]
			if err := writeAudit(tx, rec); err != nil {
				return err
			}
			if err := s.indexAudit(tx, rec); err != nil {
				return err
			}
			if rec.Time.After(last) {
				last = rec.Time
			}
		}
		return nil
	})
	if err == nil {
		s.lastAudit = last
	}
	return err
}

// checkNoKeys refuses a write allowed only while no key exists
// (kg.AuditMeta.WhileNoKeys) when one does. The caller holds writeMu, as
// CreateKey does: no key can appear between the check and the write.
func (s *Store) checkNoKeys(ctx context.Context, op string, m *kg.AuditMeta) error {
	if m == nil || !m.WhileNoKeys {
		return nil
	}
	n, err := s.ActiveKeys(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return kg.KeysExist(op)
	}
	return nil
}

// putAudit gives rec its id and time and writes it with its index
// entries. The caller holds writeMu.
func (s *Store) putAudit(tx *bolt.Tx, rec *kg.AuditRecord) error {
	at := time.Now().UTC()
	if !at.After(s.lastAudit) {
		at = s.lastAudit.Add(time.Nanosecond)
	}
	rec.Time, rec.ID = at, kg.NewAuditID(at)
	if err := writeAudit(tx, rec); err != nil {
		return err
	}
	if err := s.indexAudit(tx, rec); err != nil {
		return err
	}
	s.lastAudit = at
	return nil
}

// indexAudit writes rec's entries in the subject and actor indexes.
func (s *Store) indexAudit(tx *bolt.Tx, rec *kg.AuditRecord) error {
	empty := []byte{}
	for _, subj := range rec.Subjects() {
		if err := tx.Bucket(bucketAuditSubject).Put(indexKey(subj, rec.ID), empty); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketAuditActor).Put(indexKey(rec.Actor, rec.ID), empty)
}

func writeAudit(tx *bolt.Tx, rec *kg.AuditRecord) error {
	v, err := encodeAudit(rec)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketAudit).Put([]byte(rec.ID), v)
}

func indexKey(prefix, id string) []byte { return []byte(prefix + "\x00" + id) }

func readAudit(tx *bolt.Tx, id []byte) (kg.AuditRecord, bool, error) {
	v := tx.Bucket(bucketAudit).Get(id)
	if v == nil {
		return kg.AuditRecord{}, false, nil
	}
	rec, err := decodeAudit(v)
	if err != nil {
		return kg.AuditRecord{}, false, fmt.Errorf("audit record %q: %w", id, err)
	}
	return rec, true, nil
}

// lastAuditTime is the time of the newest record.
func lastAuditTime(tx *bolt.Tx) time.Time {
	k, _ := tx.Bucket(bucketAudit).Cursor().Last()
	if k == nil {
		return time.Time{}
	}
	rec, ok, err := readAudit(tx, k)
	if err != nil || !ok {
		return time.Time{}
	}
	return rec.Time
}

// AuditRecord returns one record.
func (s *Store) AuditRecord(ctx context.Context, id string) (kg.AuditRecord, error) {
	const op = "auditRecord"
	var rec kg.AuditRecord
	err := s.view(ctx, op, func(tx *bolt.Tx) error {
		var ok bool
		var err error
		if rec, ok, err = readAudit(tx, []byte(id)); err == nil && !ok {
			err = kg.NotFound(op, id)
		}
		return err
	})
	return rec, err
}

// AuditLog lists records in id order: through the subject index when
// q.Entity is set, else through the actor index when q.Actor is, else the
// whole log.
func (s *Store) AuditLog(ctx context.Context, q kg.AuditQuery) (kg.AuditPage, error) {
	const op = "auditLog"
	var page kg.AuditPage
	start := q.After
	if !q.Since.IsZero() {
		if floor := kg.AuditIDFloor(q.Since); floor > start {
			start = floor
		}
	}
	err := s.view(ctx, op, func(tx *bolt.Tx) error {
		// The candidates are the keys under prefix, from start on, in order.
		var prefix []byte
		var c *bolt.Cursor
		switch {
		case q.Entity != "":
			prefix, c = indexKey(q.Entity, ""), tx.Bucket(bucketAuditSubject).Cursor()
		case q.Actor != "":
			prefix, c = indexKey(q.Actor, ""), tx.Bucket(bucketAuditActor).Cursor()
		default:
			prefix, c = nil, tx.Bucket(bucketAudit).Cursor()
		}
		for k, _ := c.Seek(append(bytes.Clone(prefix), start...)); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			id := k[len(prefix):]
			if string(id) == q.After {
				continue
			}
			if err := ctxErr(ctx, op); err != nil {
				return err
			}
			rec, ok, err := readAudit(tx, id)
			if err != nil {
				return err
			}
			if !ok || (q.Actor != "" && rec.Actor != q.Actor) {
				continue
			}
			if len(page.Records) == q.First {
				page.HasNextPage = true
				return nil
			}
			page.Records = append(page.Records, rec)
		}
		return nil
	})
	return page, err
}

// Revert undoes one recorded write; see kg.AuditStore.
func (s *Store) Revert(ctx context.Context, id string, m kg.AuditMeta) (kg.AuditRecord, error) {
	op := m.Op
	if op == "" {
		op = "revert"
	}
	if err := ctxErr(ctx, op); err != nil {
		return kg.AuditRecord{}, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()

	var rec kg.AuditRecord
	err := s.view(ctx, op, func(tx *bolt.Tx) error {
		var ok bool
		var err error
		if rec, ok, err = readAudit(tx, []byte(id)); err == nil && !ok {
			err = kg.NotFound(op, id)
		}
		return err
	})
	if err != nil {
		return kg.AuditRecord{}, err
	}
	rr, err := kg.RevertReadsOf(op, &rec)
	if err != nil {
		return kg.AuditRecord{}, err
	}
	// Only writers change g, and writers hold writeMu.
	st := s.g.revertStored(rr)
	if len(rr.Proposals) > 0 {
		if st.Proposals, err = s.Proposals(ctx, rr.Proposals); err != nil {
			return kg.AuditRecord{}, err
		}
	}
	for _, id := range kg.RevertBlocked(&rec, st) {
		page, err := s.AuditLog(ctx, kg.AuditQuery{Entity: id, After: rec.ID, First: kg.RevertLaterRecords})
		if err != nil {
			return kg.AuditRecord{}, err
		}
		if st.Later == nil {
			st.Later = map[string][]kg.AuditRecord{}
		}
		st.Later[id] = page.Records
	}
	rv, err := kg.DecideRevert(op, &rec, st)
	if err != nil {
		return kg.AuditRecord{}, err
	}
	out := rv.Record
	out.Actor, out.Op = m.Actor, m.Op
	err = s.update(ctx, op, func(tx *bolt.Tx) error {
		eb, rb := tx.Bucket(bucketEntities), tx.Bucket(bucketRelationships)
		for _, id := range rv.RemoveRelationships {
			if err := rb.Delete([]byte(id)); err != nil {
				return err
			}
		}
		for _, id := range rv.RemoveEntities {
			if err := eb.Delete([]byte(id)); err != nil {
				return err
			}
		}
		for i := range rv.Entities {
			e := &rv.Entities[i]
			if err := eb.Put([]byte(e.ID), encodeEntity(nil, e)); err != nil {
				return err
			}
		}
		for i := range rv.Relationships {
			r := &rv.Relationships[i]
			if err := rb.Put([]byte(r.ID), encodeRelationship(nil, r)); err != nil {
				return err
			}
		}
		if err := deleteProposals(tx, rv.RemoveProposals); err != nil {
			return err
		}
		if err := putProposals(tx, rv.Proposals); err != nil {
			return err
		}
		if err := s.putAudit(tx, &out); err != nil {
			return err
		}
		rec.RevertedBy = out.ID
		if err := writeAudit(tx, &rec); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return kg.AuditRecord{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.g.remove(rv.RemoveEntities, rv.RemoveRelationships) // remove.go
	if err := s.g.apply(&staged{ents: rv.Entities, rels: rv.Relationships}); err != nil {
		return kg.AuditRecord{}, kg.Internal(op, err)
	}
	return out, nil
}
