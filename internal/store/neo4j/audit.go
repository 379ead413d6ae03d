package neo4j

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/polgraph/polgraph/internal/kg"
)

// API keys are ApiKey nodes; audit records are AuditRecord nodes holding
// the record as JSON, linked to one AuditSubject node per subject id (see
// statements.go).

func keyProps(k kg.APIKey) map[string]any {
	p := map[string]any{
		"name": k.Name, "role": string(k.Role), "hash": k.Hash,
		"created": k.Created.UTC().Format(time.RFC3339Nano), "created_by": k.CreatedBy,
	}
	if !k.Revoked.IsZero() {
		p["revoked"] = k.Revoked.UTC().Format(time.RFC3339Nano)
		p["revoked_by"] = k.RevokedBy
	}
	return p
}

func keyFromNode(n dbtype.Node) (kg.APIKey, error) {
	var k kg.APIKey
	p := &propReader{n: n}
	get := p.str
	at := func(key string) time.Time {
		return parsedProp(p, key, func(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) })
	}
	k.Name = get("name")
	k.Role = kg.Role(get("role"))
	k.Hash = get("hash")
	k.Created = at("created")
	k.CreatedBy = get("created_by")
	k.Revoked = at("revoked")
	k.RevokedBy = get("revoked_by")
	if p.err != nil {
		return kg.APIKey{}, fmt.Errorf("key node %s: %w", n.ElementId, p.err)
	}
	return k, nil
}

func keyFromRecord(rec *neo4j.Record) (kg.APIKey, error) {
	n, err := recordNode(rec, "k")
	if err != nil {
		return kg.APIKey{}, err
	}
	return keyFromNode(n)
}

// CreateKey stores a key and its audit record in one transaction.
func (s *Store) CreateKey(ctx context.Context, k kg.APIKey, m kg.AuditMeta) error {
	const op = "createKey"
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	_, err := writeTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if _, err := run(ctx, tx, stLockKeyGuard, nil); err != nil {
			return struct{}{}, err
		}
		recs, err := run(ctx, tx, stKeyByName, map[string]any{"name": k.Name})
		if err != nil {
			return struct{}{}, err
		}
		if len(recs) > 0 {
			return struct{}{}, kg.Conflict(op, k.Name, "a key named %q exists (names of revoked keys are not reused)", k.Name)
		}
		// The uniqueness constraints on name and hash settle a race
		// between two creates.
		if _, err := run(ctx, tx, stCreateKey, map[string]any{"props": keyProps(k)}); err != nil {
			return struct{}{}, err
		}
		rec := kg.NewKeyRecord(m, k)
		return struct{}{}, createAudit(ctx, tx, &rec)
	})
	return err
}

// KeyByHash finds a key by the hash of its secret.
func (s *Store) KeyByHash(ctx context.Context, hash string) (kg.APIKey, error) {
	const op = "keyByHash"
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (kg.APIKey, error) {
		recs, err := run(ctx, tx, stKeyByHash, map[string]any{"hash": hash})
		if err != nil {
			return kg.APIKey{}, err
		}
		if len(recs) == 0 {
			return kg.APIKey{}, kg.NotFound(op, "")
		}
		return keyFromRecord(recs[0])
	})
}

// ListKeys returns every key by name.
func (s *Store) ListKeys(ctx context.Context) ([]kg.APIKey, error) {
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, "keys", func(tx neo4j.ManagedTransaction) ([]kg.APIKey, error) {
		recs, err := run(ctx, tx, stListKeys, nil)
		if err != nil {
			return nil, err
		}
		out := make([]kg.APIKey, 0, len(recs))
		for _, rec := range recs {
			k, err := keyFromRecord(rec)
			if err != nil {
				return nil, err
			}
			out = append(out, k)
		}
		return out, nil
	})
}

// RevokeKey marks a key revoked, with its audit record, in one transaction.
func (s *Store) RevokeKey(ctx context.Context, name string, m kg.AuditMeta) (kg.APIKey, error) {
	const op = "revokeKey"
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return writeTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (kg.APIKey, error) {
		recs, err := run(ctx, tx, stKeyByName, map[string]any{"name": name}) // locks it
		if err != nil {
			return kg.APIKey{}, err
		}
		if len(recs) == 0 {
			return kg.APIKey{}, kg.NotFound(op, name)
		}
		k, err := keyFromRecord(recs[0])
		if err != nil {
			return kg.APIKey{}, err
		}
		if !k.Active() {
			return kg.APIKey{}, kg.Conflict(op, name, "key %q was revoked at %s", name, k.Revoked.Format(time.RFC3339))
		}
		rec := kg.NewKeyRecord(m, k)
		if err := createAudit(ctx, tx, &rec); err != nil {
			return kg.APIKey{}, err
		}
		k.Revoked, k.RevokedBy = rec.Time, m.Actor
		_, err = run(ctx, tx, stRevokeKey, map[string]any{
			"name": name, "revoked": k.Revoked.Format(time.RFC3339Nano), "revoked_by": k.RevokedBy,
		})
		return k, err
	})
}

// ActiveKeys counts the keys not revoked.
func (s *Store) ActiveKeys(ctx context.Context) (int, error) {
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, "activeKeys", func(tx neo4j.ManagedTransaction) (int, error) {
		return countOf(ctx, tx, stCountActiveKeys, nil)
	})
}

// ImportKeys stores keys as they are; see kg.KeyStore. The key guard is
// taken as CreateKey takes it, and the uniqueness constraints on name and
// hash settle a race with a key created meanwhile.
func (s *Store) ImportKeys(ctx context.Context, ks []kg.APIKey) error {
	const op = "importKeys"
	if len(ks) == 0 {
		return nil
	}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	names, hashes, rows := make([]any, len(ks)), make([]any, len(ks)), make([]any, len(ks))
	for i, k := range ks {
		names[i], hashes[i], rows[i] = k.Name, k.Hash, keyProps(k)
	}
	_, err := writeTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if _, err := run(ctx, tx, stLockKeyGuard, nil); err != nil {
			return struct{}{}, err
		}
		stored := map[string]kg.APIKey{}
		for _, q := range []struct {
			name  string
			param map[string]any
		}{{stKeysByNames, map[string]any{"names": names}}, {stKeysByHashes, map[string]any{"hashes": hashes}}} {
			recs, err := run(ctx, tx, q.name, q.param)
			if err != nil {
				return struct{}{}, err
			}
			for _, rec := range recs {
				k, err := keyFromRecord(rec)
				if err != nil {
					return struct{}{}, err
				}
				stored[k.Name] = k
			}
		}
		byHash := map[string]string{}
		for _, k := range stored {
			byHash[k.Hash] = k.Name
		}
		for _, k := range ks {
			if old, ok := stored[k.Name]; ok && old.Hash != k.Hash {
				return struct{}{}, kg.Conflict(op, k.Name, "a key named %q exists in the target with another secret", k.Name)
			}
			if name, ok := byHash[k.Hash]; ok && name != k.Name {
				return struct{}{}, kg.Conflict(op, k.Name, "the secret of key %q is stored in the target as key %q", k.Name, name)
			}
		}
		_, err := run(ctx, tx, stImportKeys, map[string]any{"key_rows": rows})
		return struct{}{}, err
	})
	return err
}

// ImportAudit stores records as they are; see kg.AuditStore.
func (s *Store) ImportAudit(ctx context.Context, recs []kg.AuditRecord) error {
	const op = "importAudit"
	if len(recs) == 0 {
		return nil
	}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	rows := make([]any, len(recs))
	for i := range recs {
		data, err := json.Marshal(&recs[i])
		if err != nil {
			return kg.Internal(op, err)
		}
		rows[i] = map[string]any{"id": recs[i].ID, "actor": recs[i].Actor, "data": string(data), "subjects": anyStrings(recs[i].Subjects())}
	}
	_, err := writeTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, stImportAudit, map[string]any{"audit_rows": rows})
		return struct{}{}, err
	})
	return err
}

// checkNoKeys refuses, inside tx, a write allowed only while no key exists
// (kg.AuditMeta.WhileNoKeys) when one does. It takes the key guard's lock
// first, as CreateKey does, so no key can be created between the count and
// the write's commit.
func checkNoKeys(ctx context.Context, tx neo4j.ManagedTransaction, op string, m *kg.AuditMeta) error {
	if m == nil || !m.WhileNoKeys {
		return nil
	}
	if _, err := run(ctx, tx, stLockKeyGuard, nil); err != nil {
		return err
	}
	n, err := countOf(ctx, tx, stCountActiveKeys, nil)
	if err != nil {
		return err
	}
	if n > 0 {
		return kg.KeysExist(op)
	}
	return nil
}

// createAudit gives rec its id and time and writes it inside tx. The
// driver may run a transaction function again: each run makes its own id.
func createAudit(ctx context.Context, tx neo4j.ManagedTransaction, rec *kg.AuditRecord) error {
	rec.Time = time.Now().UTC()
	rec.ID = kg.NewAuditID(rec.Time)
	data, err := json.Marshal(rec)
	if err != nil {
		return kg.Internal("audit", err)
	}
	_, err = run(ctx, tx, stCreateAudit, map[string]any{
		"id": rec.ID, "actor": rec.Actor, "data": string(data), "subjects": anyStrings(rec.Subjects()),
	})
	return err
}

func auditFromRecord(rec *neo4j.Record) (kg.AuditRecord, error) {
	data, err := recordString(rec, "data")
	if err != nil {
		return kg.AuditRecord{}, err
	}
	var out kg.AuditRecord
	if err := json.Unmarshal([]byte(data), &out); err != nil {
		return kg.AuditRecord{}, fmt.Errorf("audit record: %w", err)
	}
	return out, nil
}

// AuditRecord returns one record.
func (s *Store) AuditRecord(ctx context.Context, id string) (kg.AuditRecord, error) {
	const op = "auditRecord"
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (kg.AuditRecord, error) {
		recs, err := run(ctx, tx, stAuditByID, map[string]any{"id": id})
		if err != nil {
			return kg.AuditRecord{}, err
		}
		if len(recs) == 0 {
			return kg.AuditRecord{}, kg.NotFound(op, id)
		}
		return auditFromRecord(recs[0])
	})
}

// AuditLog lists records in id order.
func (s *Store) AuditLog(ctx context.Context, q kg.AuditQuery) (kg.AuditPage, error) {
	const op = "auditLog"
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	floor := ""
	if !q.Since.IsZero() {
		floor = kg.AuditIDFloor(q.Since)
	}
	params := map[string]any{"after": q.After, "floor": floor, "limit": int64(q.First + 1)}
	name := stAuditLog
	switch {
	case q.Entity != "":
		name = stAuditLogByEntity
		params["entity"], params["actor"] = q.Entity, q.Actor
	case q.Actor != "":
		name = stAuditLogByActor
		params["actor"] = q.Actor
	}
	return readTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (kg.AuditPage, error) {
		recs, err := run(ctx, tx, name, params)
		if err != nil {
			return kg.AuditPage{}, err
		}
		var page kg.AuditPage
		for i, rec := range recs {
			if i == q.First {
				page.HasNextPage = true
				break
			}
			r, err := auditFromRecord(rec)
			if err != nil {
				return kg.AuditPage{}, err
			}
			page.Records = append(page.Records, r)
		}
		return page, nil
	})
}

// Revert undoes one recorded write in one transaction; see kg.AuditStore.
// Like Apply, it locks everything it reads before reading it.
func (s *Store) Revert(ctx context.Context, id string, m kg.AuditMeta) (kg.AuditRecord, error) {
	op := m.Op
	if op == "" {
		op = "revert"
	}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return writeTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (kg.AuditRecord, error) {
		recs, err := run(ctx, tx, stLockAudit, map[string]any{"id": id})
		if err != nil {
			return kg.AuditRecord{}, err
		}
		if len(recs) == 0 {
			return kg.AuditRecord{}, kg.NotFound(op, id)
		}
		rec, err := auditFromRecord(recs[0])
		if err != nil {
			return kg.AuditRecord{}, err
		}
		rr, err := kg.RevertReadsOf(op, &rec)
		if err != nil {
			return kg.AuditRecord{}, err
		}
		st, err := revertStored(ctx, tx, rr)
		if err != nil {
			return kg.AuditRecord{}, err
		}
		for _, sid := range kg.RevertBlocked(&rec, st) {
			later, err := run(ctx, tx, stAuditLogByEntity, map[string]any{
				"entity": sid, "actor": "", "after": rec.ID, "floor": "", "limit": int64(kg.RevertLaterRecords)})
			if err != nil {
				return kg.AuditRecord{}, err
			}
			if st.Later == nil {
				st.Later = map[string][]kg.AuditRecord{}
			}
			for _, l := range later {
				r, err := auditFromRecord(l)
				if err != nil {
					return kg.AuditRecord{}, err
				}
				st.Later[sid] = append(st.Later[sid], r)
			}
		}
		rv, err := kg.DecideRevert(op, &rec, st)
		if err != nil {
			return kg.AuditRecord{}, err
		}
		if err := writeReversal(ctx, tx, st, rv); err != nil {
			return kg.AuditRecord{}, err
		}
		out := rv.Record
		out.Actor, out.Op = m.Actor, m.Op
		if err := createAudit(ctx, tx, &out); err != nil {
			return kg.AuditRecord{}, err
		}
		rec.RevertedBy = out.ID
		data, err := json.Marshal(&rec)
		if err != nil {
			return kg.AuditRecord{}, kg.Internal(op, err)
		}
		if _, err := run(ctx, tx, stSetAuditData, map[string]any{"id": rec.ID, "data": string(data)}); err != nil {
			return kg.AuditRecord{}, err
		}
		return out, nil
	})
}

// revertStored locks and reads what kg.DecideRevert needs.
func revertStored(ctx context.Context, tx neo4j.ManagedTransaction, rr kg.RevertReads) (kg.RevertStored, error) {
	base, err := lockAndReadIDs(ctx, tx, anyStrings(rr.Written), anyStrings(rr.Referenced), rr.Relationships)
	if err != nil {
		return kg.RevertStored{}, err
	}
	st := kg.RevertStored{
		Entities:      base.Entities,
		Relationships: base.Relationships,
		Attached:      map[string][]kg.Relationship{},
		Citing:        map[string][]string{},
		Naming:        map[string][]string{},
	}
	if len(rr.Proposals) > 0 {
		if st.Proposals, err = proposalsByID(ctx, tx, rr.Proposals, true); err != nil {
			return st, err
		}
	}
	if ids := append(append([]string(nil), rr.Removed...), rr.Reclassified...); len(ids) > 0 {
		if st.Attached, err = attachedRels(ctx, tx, ids); err != nil {
			return st, err
		}
	}
	if len(rr.Removed) == 0 {
		return st, nil
	}
	params := map[string]any{"ids": anyStrings(rr.Removed)}
	recs, err := run(ctx, tx, stCitingRels, params)
	if err != nil {
		return st, err
	}
	for _, rec := range recs {
		id, err := recordString(rec, "id")
		if err != nil {
			return st, err
		}
		rel, err := recordString(rec, "rel")
		if err != nil {
			return st, err
		}
		st.Citing[id] = append(st.Citing[id], rel)
	}
	return st, readNaming(ctx, tx, params, st.Naming)
}

// writeReversal writes a decided revert: removed relationships go first
// (with their ASSERTS links), then the restored values are written as a
// decision is, then removed entities go.
func writeReversal(ctx context.Context, tx neo4j.ManagedTransaction, st kg.RevertStored, rv kg.Reversal) error {
	if err := deleteRels(ctx, tx, st.Relationships, rv.RemoveRelationships); err != nil {
		return err
	}
	d := kg.Decision{Entities: rv.Entities, Relationships: rv.Relationships, Created: rv.Created}
	if err := write(ctx, tx, kg.Stored{Relationships: st.Relationships}, d); err != nil {
		return err
	}
	if len(rv.RemoveEntities) > 0 {
		if _, err := run(ctx, tx, stDeleteEntities, map[string]any{"ids": anyStrings(rv.RemoveEntities)}); err != nil {
			return err
		}
	}
	if err := deleteProposals(ctx, tx, rv.RemoveProposals); err != nil {
		return err
	}
	return putProposals(ctx, tx, rv.Proposals)
}
