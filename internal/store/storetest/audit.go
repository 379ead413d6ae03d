package storetest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
)

// The keys and audit log cases: what kg.KeyStore and kg.AuditStore promise.

func wantKind(t *testing.T, err error, kind kg.ErrorKind) {
	t.Helper()
	if kg.KindOf(err) != kind || err == nil {
		t.Fatalf("error = %v (kind %v), want kind %v", err, kg.KindOf(err), kind)
	}
}

func newKey(t *testing.T, name string, role kg.Role) (kg.APIKey, string) {
	t.Helper()
	secret, hash, err := kg.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return kg.APIKey{Name: name, Role: role, Hash: hash, Created: time.Now().UTC().Truncate(time.Millisecond), CreatedBy: "cli"}, secret
}

func sameKey(t *testing.T, want, got kg.APIKey) {
	t.Helper()
	if got.Name != want.Name || got.Role != want.Role || got.Hash != want.Hash || got.CreatedBy != want.CreatedBy ||
		!got.Created.Equal(want.Created) || got.Active() != want.Active() || got.RevokedBy != want.RevokedBy {
		t.Errorf("key = %+v, want %+v", got, want)
	}
}

func auditLog(t *testing.T, st kg.Store, q kg.AuditQuery) []kg.AuditRecord {
	t.Helper()
	if q.First == 0 {
		q.First = 100
	}
	var out []kg.AuditRecord
	for {
		page, err := st.AuditLog(context.Background(), q)
		if err != nil {
			t.Fatalf("AuditLog(%+v): %v", q, err)
		}
		if len(page.Records) > q.First {
			t.Fatalf("AuditLog returned %d records for first %d", len(page.Records), q.First)
		}
		out = append(out, page.Records...)
		if !page.HasNextPage {
			return out
		}
		if len(page.Records) == 0 {
			t.Fatal("AuditLog: an empty page with a next page")
		}
		q.After = page.Records[len(page.Records)-1].ID
	}
}

func recordIDs(recs []kg.AuditRecord) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	return out
}

func audited(b kg.Batch, actor, op string) kg.Batch {
	b.Audit = &kg.AuditMeta{Actor: actor, Op: op}
	return b
}

// lastRecord is the newest record of the log.
func lastRecord(t *testing.T, st kg.Store) kg.AuditRecord {
	t.Helper()
	all := auditLog(t, st, kg.AuditQuery{})
	if len(all) == 0 {
		t.Fatal("the audit log is empty")
	}
	return all[len(all)-1]
}

func (s suite) testKeys(t *testing.T) {
	ctx := context.Background()
	st := s.open(t)
	meta := kg.AuditMeta{Actor: "cli", Op: "createKey"}

	if n, err := st.ActiveKeys(ctx); err != nil || n != 0 {
		t.Fatalf("ActiveKeys on an empty store = %d, %v", n, err)
	}
	alice, aliceSecret := newKey(t, "alice", kg.RoleEditor)
	bob, _ := newKey(t, "bob", kg.RoleReader)
	for _, k := range []kg.APIKey{bob, alice} {
		if err := st.CreateKey(ctx, k, meta); err != nil {
			t.Fatalf("CreateKey(%s): %v", k.Name, err)
		}
	}
	got, err := st.KeyByHash(ctx, kg.HashSecret(aliceSecret))
	if err != nil {
		t.Fatalf("KeyByHash: %v", err)
	}
	sameKey(t, alice, got)
	_, err = st.KeyByHash(ctx, kg.HashSecret("pgk_unknown"))
	wantKind(t, err, kg.KindNotFound)

	t.Run("NameTaken", func(t *testing.T) {
		again, _ := newKey(t, "alice", kg.RoleAdmin)
		wantKind(t, st.CreateKey(ctx, again, meta), kg.KindConflict)
	})
	t.Run("List", func(t *testing.T) {
		keys, err := st.ListKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != 2 {
			t.Fatalf("ListKeys = %+v, want alice and bob", keys)
		}
		sameKey(t, alice, keys[0])
		sameKey(t, bob, keys[1])
		if n, err := st.ActiveKeys(ctx); err != nil || n != 2 {
			t.Errorf("ActiveKeys = %d, %v; want 2", n, err)
		}
	})
	t.Run("Revoke", func(t *testing.T) {
		k, err := st.RevokeKey(ctx, "alice", kg.AuditMeta{Actor: "root", Op: "revokeKey"})
		if err != nil {
			t.Fatalf("RevokeKey: %v", err)
		}
		if k.Active() || k.RevokedBy != "root" || k.Name != "alice" {
			t.Errorf("revoked key = %+v", k)
		}
		got, err := st.KeyByHash(ctx, kg.HashSecret(aliceSecret))
		if err != nil {
			t.Fatalf("KeyByHash of a revoked key: %v", err)
		}
		if got.Active() {
			t.Errorf("KeyByHash after revoking: %+v is active", got)
		}
		if n, err := st.ActiveKeys(ctx); err != nil || n != 1 {
			t.Errorf("ActiveKeys = %d, %v; want 1", n, err)
		}
		_, err = st.RevokeKey(ctx, "alice", kg.AuditMeta{Actor: "root", Op: "revokeKey"})
		wantKind(t, err, kg.KindConflict)
		_, err = st.RevokeKey(ctx, "nobody", kg.AuditMeta{Actor: "root", Op: "revokeKey"})
		wantKind(t, err, kg.KindNotFound)
		// The name of a revoked key is not reused.
		again, _ := newKey(t, "alice", kg.RoleEditor)
		wantKind(t, st.CreateKey(ctx, again, meta), kg.KindConflict)
	})
	t.Run("Audited", func(t *testing.T) {
		recs := auditLog(t, st, kg.AuditQuery{})
		var got []string
		for _, r := range recs {
			if r.Key == nil {
				t.Errorf("record %s of a key operation names no key", r.ID)
				continue
			}
			got = append(got, r.Actor+" "+r.Op+" "+r.Key.Name+" "+string(r.Key.Role))
			if len(r.Entities)+len(r.Relationships) > 0 {
				t.Errorf("record %s of a key operation has graph changes", r.ID)
			}
		}
		want := []string{"cli createKey bob reader", "cli createKey alice editor", "root revokeKey alice editor"}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("key records (-want +got):\n%s", d)
		}
		_, err := st.Revert(ctx, recs[0].ID, kg.AuditMeta{Actor: "root", Op: "revertWrite"})
		wantKind(t, err, kg.KindInvalid)
	})
	t.Run("WhileNoKeys", s.testWhileNoKeys)
	t.Run("Import", s.testImportAccess)
}

func (s suite) testAudit(t *testing.T) {
	ctx := context.Background()

	t.Run("WriteRecorded", func(t *testing.T) {
		st := s.open(t)
		start := time.Now().Add(-time.Second)
		mustApply(t, st, audited(Fixture(), "alice", "ingestDossier"))
		rec := lastRecord(t, st)
		fx := Fixture()
		if rec.Actor != "alice" || rec.Op != "ingestDossier" || rec.ID == "" || rec.Time.Before(start) || rec.Time.After(time.Now().Add(time.Second)) {
			t.Errorf("record = %s %s %s at %v", rec.ID, rec.Actor, rec.Op, rec.Time)
		}
		if len(rec.Entities) != len(fx.Entities) || len(rec.Relationships) != len(fx.Relationships) {
			t.Fatalf("record has %d entity and %d relationship changes, want %d and %d",
				len(rec.Entities), len(rec.Relationships), len(fx.Entities), len(fx.Relationships))
		}
		for _, c := range rec.Entities {
			if c.Before != nil || c.After == nil || c.After.ID != c.ID {
				t.Errorf("creation of %s recorded as %+v -> %+v", c.ID, c.Before, c.After)
			}
		}
		// The same write again changes nothing and records nothing.
		mustApply(t, st, audited(Fixture(), "alice", "ingestDossier"))
		if n := len(auditLog(t, st, kg.AuditQuery{})); n != 1 {
			t.Errorf("after an idempotent write the log holds %d records, want 1", n)
		}
		// A write without Audit (a bulk copy) records nothing either.
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{{ID: "p-copied", Kind: kg.Person, Name: "Copied"}}})
		if n := len(auditLog(t, st, kg.AuditQuery{})); n != 1 {
			t.Errorf("a write without Audit was recorded: %d records", n)
		}
		got, err := st.AuditRecord(ctx, rec.ID)
		if err != nil {
			t.Fatalf("AuditRecord: %v", err)
		}
		if d := cmp.Diff(rec, got, cmpOpts...); d != "" {
			t.Errorf("AuditRecord differs from the log's (-log +record):\n%s", d)
		}
		_, err = st.AuditRecord(ctx, "no-such-record")
		wantKind(t, err, kg.KindNotFound)
	})

	t.Run("BeforeAndAfter", func(t *testing.T) {
		st := s.loaded(t)
		old, _ := entity(t, st, "p-meng-wanzhou")
		meng := kg.Entity{ID: "p-meng-wanzhou", Kind: kg.Person, Name: "Wanzhou Meng"}
		mustApply(t, st, audited(kg.Batch{Entities: []kg.Entity{meng}}, "bob", "upsertEntity"))
		rec := lastRecord(t, st)
		if len(rec.Entities) != 1 || len(rec.Relationships) != 0 {
			t.Fatalf("record = %+v, want one entity change", rec)
		}
		c := rec.Entities[0]
		if d := cmp.Diff(&old, c.Before, cmpOpts...); d != "" {
			t.Errorf("before (-want +got):\n%s", d)
		}
		if d := cmp.Diff(&meng, c.After, cmpOpts...); d != "" {
			t.Errorf("after (-want +got):\n%s", d)
		}

		oldRel := rel(t, st, "r-joly-canada")
		add := kg.Evidence{Article: "a-globe", Quote: "Ms Joly said", Confidence: 0.7}
		mustApply(t, st, audited(kg.Batch{Evidence: []kg.EvidenceAdd{{Relationship: oldRel.ID, Evidence: add}}}, "bob", "addEvidence"))
		rec = lastRecord(t, st)
		if len(rec.Relationships) != 1 || len(rec.Entities) != 0 {
			t.Fatalf("record = %+v, want one relationship change", rec)
		}
		rc := rec.Relationships[0]
		if d := cmp.Diff(&oldRel, rc.Before, cmpOpts...); d != "" {
			t.Errorf("relationship before (-want +got):\n%s", d)
		}
		if d := cmp.Diff(rel(t, st, oldRel.ID), *rc.After, cmpOpts...); d != "" {
			t.Errorf("relationship after (-stored +recorded):\n%s", d)
		}
	})

	t.Run("FailedWriteNotRecorded", func(t *testing.T) {
		st := s.loaded(t)
		err := st.Apply(ctx, audited(kg.Batch{
			Entities:      []kg.Entity{{ID: "p-new", Kind: kg.Person, Name: "New"}},
			Relationships: []kg.Relationship{{ID: "r-new", Type: kg.MemberOf, From: "p-new", To: "o-missing"}},
		}, "bob", "upsertRelationship"))
		wantNotFound(t, err, "o-missing")
		if n := len(auditLog(t, st, kg.AuditQuery{})); n != 0 {
			t.Errorf("a failed write was recorded: %d records", n)
		}
	})

	t.Run("Query", func(t *testing.T) {
		st := s.loaded(t)
		write := func(actor string, b kg.Batch) kg.AuditRecord {
			mustApply(t, st, audited(b, actor, "test"))
			return lastRecord(t, st)
		}
		r1 := write("alice", kg.Batch{Entities: []kg.Entity{{ID: "p-a", Kind: kg.Person, Name: "A"}}})
		time.Sleep(5 * time.Millisecond)
		mid := time.Now()
		time.Sleep(5 * time.Millisecond)
		r2 := write("bob", kg.Batch{Relationships: []kg.Relationship{{ID: "r-a-liberal", Type: kg.MemberOf, From: "p-a", To: "o-liberal"}}})
		r3 := write("alice", kg.Batch{Entities: []kg.Entity{{ID: "p-b", Kind: kg.Person, Name: "B"}}})
		r4 := write("bob", kg.Batch{Evidence: []kg.EvidenceAdd{{Relationship: "r-dong-commons", Evidence: kg.Evidence{Article: "a-globe", Confidence: 1}}}})
		all := []string{r1.ID, r2.ID, r3.ID, r4.ID}
		if !slices.IsSorted(all) || len(slices.Compact(slices.Clone(all))) != 4 {
			t.Fatalf("record ids are not increasing: %v", all)
		}
		for _, tc := range []struct {
			name string
			q    kg.AuditQuery
			want []string
		}{
			{"all", kg.AuditQuery{}, all},
			{"one per page", kg.AuditQuery{First: 1}, all},
			{"actor", kg.AuditQuery{Actor: "alice"}, []string{r1.ID, r3.ID}},
			{"entity", kg.AuditQuery{Entity: "p-a"}, []string{r1.ID, r2.ID}},
			{"relationship end", kg.AuditQuery{Entity: "o-liberal"}, []string{r2.ID}},
			{"relationship id", kg.AuditQuery{Entity: "r-dong-commons"}, []string{r4.ID}},
			{"entity and actor", kg.AuditQuery{Entity: "p-a", Actor: "bob"}, []string{r2.ID}},
			{"since", kg.AuditQuery{Since: mid}, []string{r2.ID, r3.ID, r4.ID}},
			{"since and actor", kg.AuditQuery{Since: mid, Actor: "alice"}, []string{r3.ID}},
			{"since and entity", kg.AuditQuery{Since: mid, Entity: "p-a"}, []string{r2.ID}},
			{"after", kg.AuditQuery{After: r2.ID}, []string{r3.ID, r4.ID}},
			{"nobody", kg.AuditQuery{Actor: "carol"}, nil},
			{"nothing", kg.AuditQuery{Entity: "p-han-deng"}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if d := cmp.Diff(tc.want, recordIDs(auditLog(t, st, tc.q)), cmpOpts...); d != "" {
					t.Errorf("(-want +got):\n%s", d)
				}
			})
		}
		page, err := st.AuditLog(ctx, kg.AuditQuery{First: 2})
		if err != nil {
			t.Fatal(err)
		}
		if !page.HasNextPage || len(page.Records) != 2 {
			t.Errorf("first 2 of 4: %d records, next page %v", len(page.Records), page.HasNextPage)
		}
		page, err = st.AuditLog(ctx, kg.AuditQuery{First: 4})
		if err != nil {
			t.Fatal(err)
		}
		if page.HasNextPage || len(page.Records) != 4 {
			t.Errorf("first 4 of 4: %d records, next page %v", len(page.Records), page.HasNextPage)
		}
	})

	t.Run("Revert", s.testRevert)
}

func (s suite) testRevert(t *testing.T) {
	ctx := context.Background()
	admin := kg.AuditMeta{Actor: "root", Op: "revertWrite"}
	revert := func(t *testing.T, st kg.Store, id string) kg.AuditRecord {
		t.Helper()
		rec, err := st.Revert(ctx, id, admin)
		if err != nil {
			t.Fatalf("Revert(%s): %v", id, err)
		}
		return rec
	}

	// The attacks of the issue: replacing an entity whole, filling a
	// relationship's evidence to the cap. Each is undone by one revert.
	t.Run("Update", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		mustApply(t, st, audited(kg.Batch{Entities: []kg.Entity{{ID: "p-han-dong", Kind: kg.Person, Name: "Vandalised"}}}, "mallory", "upsertEntity"))
		replaced := lastRecord(t, st)
		ev := make([]kg.Evidence, kg.MaxEvidence-2)
		for i := range ev {
			ev[i] = kg.Evidence{Article: "a-globe", Quote: "filler " + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i/26), Confidence: 0.1}
		}
		r := rel(t, st, "r-dong-liberal")
		r.Evidence = ev
		mustApply(t, st, audited(kg.Batch{Relationships: []kg.Relationship{r}}, "mallory", "upsertRelationship"))
		filled := lastRecord(t, st)
		if n := len(rel(t, st, r.ID).Evidence); n < 100 {
			t.Fatalf("the fill kept only %d pieces of evidence", n)
		}

		chong := rel(t, st, "r-chong-commons")
		mustApply(t, st, audited(kg.Batch{Evidence: []kg.EvidenceAdd{{Relationship: chong.ID, Evidence: kg.Evidence{Article: "a-globe", Confidence: 1}}}}, "mallory", "addEvidence"))
		cited := lastRecord(t, st)

		revert(t, st, cited.ID)
		lr, err := st.ListRelationships(ctx, kg.RelQuery{Source: "a-globe", Entity: "p-michael-chong", Direction: kg.Both, First: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(lr.Edges) != 0 || lr.TotalCount != 0 {
			t.Errorf("after the revert, the Globe still supports %v", relIDs(lr))
		}
		out := revert(t, st, filled.ID)
		if out.Reverts != filled.ID || out.Actor != "root" || out.Op != "revertWrite" || out.ID <= filled.ID {
			t.Errorf("revert record = %s %s %s reverts %s", out.ID, out.Actor, out.Op, out.Reverts)
		}
		revert(t, st, replaced.ID)
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("after reverting both writes (-before +after):\n%s", d)
		}
		// Indexes follow: the old name is found again, the vandal's is not.
		page, err := st.Search(ctx, kg.SearchQuery{Text: "Vandalised", First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Edges) != 0 {
			t.Errorf("search finds the reverted name: %v", hitIDs(page))
		}
		page, err = st.Search(ctx, kg.SearchQuery{Text: "Dong Han", First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(hitIDs(page), "p-han-dong") {
			t.Errorf("search no longer finds the restored alias: %v", hitIDs(page))
		}
		lr, err = st.ListRelationships(ctx, kg.RelQuery{Source: "a-globe", Entity: "p-han-dong", Direction: kg.Both, First: 50})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"r-dong-accused", "r-dong-liberal", "r-globe-mentions-dong"}, relIDs(lr)); d != "" {
			t.Errorf("Han Dong's relationships with evidence from the Globe (-want +got):\n%s", d)
		}
		orig, err := st.AuditRecord(ctx, filled.ID)
		if err != nil {
			t.Fatal(err)
		}
		if orig.RevertedBy != out.ID {
			t.Errorf("reverted record's RevertedBy = %q, want %q", orig.RevertedBy, out.ID)
		}
		// Reverting again: the values are no longer what the write left.
		_, err = st.Revert(ctx, filled.ID, admin)
		wantKind(t, err, kg.KindConflict)
	})

	t.Run("Creation", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		counts, err := st.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustApply(t, st, audited(kg.Batch{
			Entities: []kg.Entity{
				{ID: "p-fake", Kind: kg.Person, Name: "Fake Person"},
				{ID: "a-fake", Kind: kg.Article, Name: "Fake article", Outlet: "o-bbc"},
			},
			Relationships: []kg.Relationship{
				{ID: "r-fake-liberal", Type: kg.MemberOf, From: "p-fake", To: "o-liberal",
					Evidence: []kg.Evidence{{Article: "a-fake", Quote: "made up", Confidence: 1}}},
				{ID: "r-fake-mentions", Type: kg.Mentions, From: "a-fake", To: "p-han-dong"},
			},
			Evidence: []kg.EvidenceAdd{{Relationship: "r-dong-commons", Evidence: kg.Evidence{Article: "a-fake", Confidence: 1}}},
		}, "mallory", "ingestDossier"))
		created := lastRecord(t, st)
		out := revert(t, st, created.ID)
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("after reverting a creation (-before +after):\n%s", d)
		}
		if c, err := st.Counts(ctx); err != nil || c.Entities != counts.Entities || c.Relationships != counts.Relationships {
			t.Errorf("counts after the revert = %+v, %v; want %+v", c, err, counts)
		}
		for _, q := range []string{"Fake Person", "Fake article"} {
			page, err := st.Search(ctx, kg.SearchQuery{Text: q, First: 10})
			if err != nil {
				t.Fatal(err)
			}
			if ids := hitIDs(page); slices.Contains(ids, "p-fake") || slices.Contains(ids, "a-fake") {
				t.Errorf("search %q finds a removed entity: %v", q, ids)
			}
		}
		page, err := st.ListRelationships(ctx, kg.RelQuery{Entity: "o-liberal", Direction: kg.Both, First: 50})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(relIDs(page), "r-fake-liberal") {
			t.Errorf("a removed relationship is listed: %v", relIDs(page))
		}
		sub, err := st.Network(ctx, kg.NetworkQuery{Seeds: []string{"p-han-dong"}, Depth: 1, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if ids := nodeIDs(sub.Nodes); slices.Contains(ids, "a-fake") {
			t.Errorf("the network reaches a removed entity: %v", ids)
		}
		// The removed entities' ids may be used again.
		mustApply(t, st, kg.Batch{Entities: []kg.Entity{{ID: "p-fake", Kind: kg.Organization, Name: "Now an organization"}}})

		// The revert is itself recorded, with the removals as changes.
		if len(out.Entities) != 2 || out.Entities[0].After != nil || out.Entities[0].Before == nil {
			t.Errorf("revert record entities = %+v", out.Entities)
		}
	})

	t.Run("RedoByRevertingTheRevert", func(t *testing.T) {
		st := s.loaded(t)
		mustApply(t, st, audited(kg.Batch{
			Entities:      []kg.Entity{{ID: "p-new", Kind: kg.Person, Name: "New Person"}},
			Relationships: []kg.Relationship{{ID: "r-new-liberal", Type: kg.MemberOf, From: "p-new", To: "o-liberal", Evidence: []kg.Evidence{{Article: "a-bbc", Confidence: 0.5}}}},
		}, "alice", "ingestDossier"))
		after := snap(t, st)
		undo := revert(t, st, lastRecord(t, st).ID)
		redo := revert(t, st, undo.ID)
		if redo.Reverts != undo.ID {
			t.Errorf("redo reverts %q, want %q", redo.Reverts, undo.ID)
		}
		if d := cmp.Diff(after, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("after undo and redo (-want +got):\n%s", d)
		}
		lr, err := st.ListRelationships(ctx, kg.RelQuery{Source: "a-bbc", Entity: "p-new", Direction: kg.Both, First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(relIDs(lr), []string{"r-new-liberal"}) {
			t.Errorf("the restored relationship's evidence index: %v", relIDs(lr))
		}
	})

	t.Run("LaterChangeIsConflict", func(t *testing.T) {
		st := s.loaded(t)
		mustApply(t, st, audited(kg.Batch{Entities: []kg.Entity{{ID: "p-michael-chong", Kind: kg.Person, Name: "Michael Chong", Description: "first"}}}, "alice", "upsertEntity"))
		first := lastRecord(t, st)
		mustApply(t, st, audited(kg.Batch{Entities: []kg.Entity{{ID: "p-michael-chong", Kind: kg.Person, Name: "Michael Chong", Description: "second"}}}, "bob", "upsertEntity"))
		second := lastRecord(t, st)
		before := snap(t, st)
		_, err := st.Revert(ctx, first.ID, admin)
		wantKind(t, err, kg.KindConflict)
		if !strings.Contains(err.Error(), "p-michael-chong") {
			t.Errorf("the conflict does not name what changed: %v", err)
		}
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("a refused revert wrote something (-before +after):\n%s", d)
		}
		// Newest first works.
		revert(t, st, second.ID)
		revert(t, st, first.ID)
		e, _ := entity(t, st, "p-michael-chong")
		if e.Description != "" {
			t.Errorf("after both reverts the description is %q", e.Description)
		}
	})

	t.Run("CreatedAndUsedSinceIsConflict", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			later kg.Batch
		}{
			{"relationship", kg.Batch{Relationships: []kg.Relationship{{ID: "r-later", Type: kg.MemberOf, From: "p-new", To: "o-commons"}}}},
			{"evidence", kg.Batch{Evidence: []kg.EvidenceAdd{{Relationship: "r-dong-commons", Evidence: kg.Evidence{Article: "a-new", Confidence: 1}}}}},
			{"statement speaker", kg.Batch{Entities: []kg.Entity{{ID: "st-later", Kind: kg.Statement, Name: "said", Speaker: "p-new"}}}},
			{"article outlet", kg.Batch{Entities: []kg.Entity{{ID: "a-later", Kind: kg.Article, Name: "later", Outlet: "o-new"}}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				st := s.loaded(t)
				mustApply(t, st, audited(kg.Batch{Entities: []kg.Entity{
					{ID: "p-new", Kind: kg.Person, Name: "New"},
					{ID: "a-new", Kind: kg.Article, Name: "New article"},
					{ID: "o-new", Kind: kg.Organization, Name: "New outlet", Classification: kg.MediaOutlet},
				}}, "alice", "ingestDossier"))
				created := lastRecord(t, st)
				mustApply(t, st, audited(tc.later, "bob", "later"))
				before := snap(t, st)
				_, err := st.Revert(ctx, created.ID, admin)
				wantKind(t, err, kg.KindConflict)
				if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
					t.Errorf("a refused revert wrote something (-before +after):\n%s", d)
				}
			})
		}
	})

	// Reverting a reclassification must keep the endpoint rules of the
	// relationships made since.
	t.Run("ReclassifyBackBreakingRulesIsConflict", func(t *testing.T) {
		st := s.loaded(t)
		huawei, _ := entity(t, st, "o-huawei")
		huawei.Classification = kg.MediaOutlet
		mustApply(t, st, audited(kg.Batch{Entities: []kg.Entity{huawei}}, "alice", "upsertEntity"))
		reclassified := lastRecord(t, st)
		mustApply(t, st, audited(kg.Batch{Relationships: []kg.Relationship{{ID: "r-globe-by-huawei", Type: kg.PublishedBy, From: "a-globe", To: "o-huawei"}}}, "bob", "upsertRelationship"))
		_, err := st.Revert(ctx, reclassified.ID, admin)
		wantKind(t, err, kg.KindConflict)
		if !strings.Contains(err.Error(), "r-globe-by-huawei") {
			t.Errorf("the conflict does not name the relationship: %v", err)
		}
	})

	t.Run("AfterLaterWrites", s.testRevertLater)

	t.Run("Unknown", func(t *testing.T) {
		st := s.open(t)
		_, err := st.Revert(ctx, "no-such-record", admin)
		wantKind(t, err, kg.KindNotFound)
	})

	// Two admins reverting the same write at once: one wins, the other
	// gets a conflict, and the graph is as before the write.
	t.Run("Concurrent", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		mustApply(t, st, audited(kg.Batch{Entities: []kg.Entity{{ID: "p-twice", Kind: kg.Person, Name: "Twice"}}}, "alice", "upsertEntity"))
		id := lastRecord(t, st).ID
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = st.Revert(ctx, id, admin)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case kg.KindOf(err) != kg.KindConflict:
				t.Errorf("a concurrent revert failed with %v, want a conflict", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d reverts succeeded, want 1 (errors %v)", ok, errs)
		}
		if d := cmp.Diff(before, snap(t, st), cmpOpts...); d != "" {
			t.Errorf("(-before +after):\n%s", d)
		}
	})
}
