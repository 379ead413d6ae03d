package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
)

// ImportKeys and ImportAudit: a copy's keys and audit log, stored exactly
// as they were in the source.

func (s suite) testImportAccess(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

	t.Run("Keys", func(t *testing.T) {
		st := s.open(t)
		alice, aliceSecret := newKey(t, "alice", kg.RoleEditor)
		bob, _ := newKey(t, "bob", kg.RoleReader)
		bob.Revoked, bob.RevokedBy = at.Add(time.Hour), "root"
		if err := st.ImportKeys(ctx, []kg.APIKey{alice, bob}); err != nil {
			t.Fatal(err)
		}
		keys, err := st.ListKeys(ctx)
		if err != nil || len(keys) != 2 {
			t.Fatalf("ListKeys = %+v, %v", keys, err)
		}
		sameKey(t, alice, keys[0])
		sameKey(t, bob, keys[1])
		if !keys[1].Revoked.Equal(bob.Revoked) {
			t.Errorf("revoked at %v, want %v", keys[1].Revoked, bob.Revoked)
		}
		if got, err := st.KeyByHash(ctx, kg.HashSecret(aliceSecret)); err != nil || got.Name != "alice" {
			t.Errorf("KeyByHash(alice's secret) = %+v, %v", got, err)
		}
		if recs := auditLog(t, st, kg.AuditQuery{}); len(recs) != 0 {
			t.Errorf("importing keys recorded %d audit records", len(recs))
		}
		// Again, with alice revoked since: replaced.
		alice.Revoked, alice.RevokedBy = at.Add(2*time.Hour), "root"
		if err := st.ImportKeys(ctx, []kg.APIKey{alice, bob}); err != nil {
			t.Fatal(err)
		}
		if n, err := st.ActiveKeys(ctx); err != nil || n != 0 {
			t.Errorf("ActiveKeys after importing the revocation = %d, %v", n, err)
		}
		// A name held with another secret: conflict, nothing written.
		carol, _ := newKey(t, "carol", kg.RoleAdmin)
		impostor, _ := newKey(t, "alice", kg.RoleAdmin)
		wantKind(t, st.ImportKeys(ctx, []kg.APIKey{carol, impostor}), kg.KindConflict)
		stolen := carol
		stolen.Hash = bob.Hash
		wantKind(t, st.ImportKeys(ctx, []kg.APIKey{stolen}), kg.KindConflict)
		if keys, _ := st.ListKeys(ctx); len(keys) != 2 {
			t.Errorf("after refused imports the keys are %+v", keys)
		}
	})

	t.Run("Audit", func(t *testing.T) {
		st := s.open(t)
		p := kg.Entity{ID: "p-imported", Kind: kg.Person, Name: "Imported"}
		recs := []kg.AuditRecord{
			{ID: kg.NewAuditID(at), Time: at, Actor: "cli", Op: "createKey", Key: &kg.KeyRef{Name: "alice", Role: kg.RoleEditor}},
			{ID: kg.NewAuditID(at.Add(time.Minute)), Time: at.Add(time.Minute), Actor: "alice", Op: "upsertEntity",
				Entities: []kg.EntityChange{{ID: p.ID, After: &p}}},
		}
		if err := st.ImportAudit(ctx, recs); err != nil {
			t.Fatal(err)
		}
		if err := st.ImportAudit(ctx, recs); err != nil { // again: nothing changes
			t.Fatal(err)
		}
		if d := cmp.Diff(recs, auditLog(t, st, kg.AuditQuery{}), cmpOpts...); d != "" {
			t.Errorf("the log after the import (-want +got):\n%s", d)
		}
		if got := auditLog(t, st, kg.AuditQuery{Entity: p.ID}); len(got) != 1 || got[0].ID != recs[1].ID {
			t.Errorf("auditLog(entity %s) = %v", p.ID, recordIDs(got))
		}
		if got := auditLog(t, st, kg.AuditQuery{Actor: "alice"}); len(got) != 1 || got[0].ID != recs[1].ID {
			t.Errorf("auditLog(actor alice) = %v", recordIDs(got))
		}
		// With the graph copied too, an imported write can be reverted,
		// and later records sort after the imported ones.
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{p}})
		out, err := st.Revert(ctx, recs[1].ID, kg.AuditMeta{Actor: "root", Op: "revertWrite"})
		if err != nil {
			t.Fatalf("Revert of an imported write: %v", err)
		}
		if _, ok := entity(t, st, p.ID); ok {
			t.Error("the revert left the entity")
		}
		if all := auditLog(t, st, kg.AuditQuery{}); len(all) != 3 || all[2].ID != out.ID {
			t.Errorf("the log after the revert: %v (revert %s)", recordIDs(all), out.ID)
		}
	})
}
