package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/polgraph/polgraph/internal/kg"
)

// The writes allowed only while no key exists (kg.AuditMeta.WhileNoKeys):
// an anonymous write on a server that lets anonymous requests write until
// the first key. The store checks inside the write's transaction, so that
// a key created at the same instant cannot let one through.

func anonymousWrite(id string) kg.Batch {
	return kg.Batch{
		Entities: []kg.Entity{{ID: id, Kind: kg.Person, Name: "Anonymous " + id}},
		Audit:    &kg.AuditMeta{Actor: kg.ActorAnonymous, Op: "upsertEntity", WhileNoKeys: true},
	}
}

func (s suite) testWhileNoKeys(t *testing.T) {
	ctx := context.Background()
	meta := kg.AuditMeta{Actor: "cli", Op: "createKey"}

	t.Run("RefusedOnceAKeyExists", func(t *testing.T) {
		st := s.open(t)
		mustApply(t, st, anonymousWrite("p-anon-1"))
		k, _ := newKey(t, "alice", kg.RoleEditor)
		if err := st.CreateKey(ctx, k, meta); err != nil {
			t.Fatal(err)
		}
		err := st.Apply(ctx, anonymousWrite("p-anon-2"))
		wantKind(t, err, kg.KindUnauthenticated)
		if _, ok := entity(t, st, "p-anon-2"); ok {
			t.Error("the refused write was stored")
		}
		// Removals are writes too.
		err = st.Apply(ctx, kg.Batch{Remove: kg.Removal{Entities: []string{"p-anon-1"}},
			Audit: &kg.AuditMeta{Actor: kg.ActorAnonymous, Op: "deleteEntity", WhileNoKeys: true}})
		wantKind(t, err, kg.KindUnauthenticated)
		if _, ok := entity(t, st, "p-anon-1"); !ok {
			t.Error("the refused removal removed the entity")
		}
		// Without the flag (a key holder's write) the key does not matter.
		mustApply(t, st, audited(kg.Batch{Entities: []kg.Entity{{ID: "p-alice", Kind: kg.Person, Name: "Alice's"}}}, "alice", "upsertEntity"))
		// Once the last key is revoked, anonymous writes work again.
		if _, err := st.RevokeKey(ctx, "alice", kg.AuditMeta{Actor: "cli", Op: "revokeKey"}); err != nil {
			t.Fatal(err)
		}
		mustApply(t, st, anonymousWrite("p-anon-3"))
	})

	// Anonymous writers keep writing while a key is created: every write
	// that got through was committed before the key (its audit record is
	// older than the key's), every later one is UNAUTHENTICATED and wrote
	// nothing, and each writer is stopped.
	t.Run("ConcurrentWithCreateKey", func(t *testing.T) {
		if s.cfg.SerialWrites {
			t.Skip("the store is reopened after every write: key operations cannot run alongside")
		}
		st := s.open(t)
		const writers, most = 4, 400
		var wg sync.WaitGroup
		started := make(chan struct{}, writers)
		type outcome struct {
			id  string
			err error
		}
		results := make([][]outcome, writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range most {
					id := fmt.Sprintf("p-anon-%d-%03d", w, i)
					err := st.Apply(ctx, anonymousWrite(id))
					results[w] = append(results[w], outcome{id, err})
					if i == 0 {
						started <- struct{}{}
					}
					if err != nil {
						return
					}
				}
			}()
		}
		for range writers {
			<-started
		}
		time.Sleep(5 * time.Millisecond)
		k, _ := newKey(t, "alice", kg.RoleEditor)
		if err := st.CreateKey(ctx, k, meta); err != nil {
			t.Fatal(err)
		}
		wg.Wait()

		var keyRecord string
		written := map[string]string{} // entity id -> record id
		for _, r := range auditLog(t, st, kg.AuditQuery{}) {
			switch {
			case r.Key != nil:
				keyRecord = r.ID
			case len(r.Entities) == 1:
				written[r.Entities[0].ID] = r.ID
			}
		}
		if keyRecord == "" {
			t.Fatal("no record of the key's creation")
		}
		for w, rs := range results {
			last := rs[len(rs)-1]
			if last.err == nil {
				t.Errorf("writer %d wrote %d times and was never refused", w, len(rs))
			}
			for _, o := range rs {
				rec, recorded := written[o.id]
				_, stored := entity(t, st, o.id)
				switch {
				case o.err == nil && (!stored || !recorded):
					t.Errorf("%s: the write succeeded but stored=%v recorded=%v", o.id, stored, recorded)
				case o.err == nil && rec > keyRecord:
					t.Errorf("%s: written (record %s) after the key was created (record %s)", o.id, rec, keyRecord)
				case o.err != nil && kg.KindOf(o.err) != kg.KindUnauthenticated:
					t.Errorf("%s: %v, want UNAUTHENTICATED", o.id, o.err)
				case o.err != nil && (stored || recorded):
					t.Errorf("%s: refused, but stored=%v recorded=%v", o.id, stored, recorded)
				}
			}
		}
	})
}
