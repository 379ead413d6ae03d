package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
)

// Duplicate candidate pairs: recorded, listed by score with a cursor,
// judged (and audited), a DIFFERENT pair never listed again, a pair whose
// entity is gone not listed.

func (s suite) testDuplicates(t *testing.T) {
	ctx := context.Background()
	st := s.loaded(t)
	found := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	reasons := []kg.MatchReason{{Kind: "NAME_REORDERED", Detail: "Han Dong ~ Dong Han", Weight: 0.6}}
	pairs := []kg.DuplicatePair{
		{A: "p-han-deng", B: "p-han-dong", Kind: kg.Person, Score: 0.55, Reasons: reasons, Found: found},
		{A: "p-justin-trudeau", B: "p-pierre-trudeau", Kind: kg.Person, Score: 0.45, Found: found},
		{A: "o-bbc", B: "o-globe", Kind: kg.Organization, Score: 0.3, Found: found},
		{A: "p-melanie-joly", B: "p-michael-chong", Kind: kg.Person, Score: 0.45, Found: found},
	}
	logged := len(auditLog(t, st, kg.AuditQuery{}))
	if err := st.RecordDuplicates(ctx, pairs, nil); err != nil {
		t.Fatalf("RecordDuplicates: %v", err)
	}
	if n := len(auditLog(t, st, kg.AuditQuery{})); n != logged {
		t.Errorf("RecordDuplicates without audit wrote %d audit records", n-logged)
	}
	list := func(t *testing.T, q kg.DuplicateQuery) []string {
		t.Helper()
		var out []string
		for {
			page, err := st.Duplicates(ctx, q)
			if err != nil {
				t.Fatalf("Duplicates: %v", err)
			}
			for _, p := range page.Pairs {
				out = append(out, p.A+"|"+p.B)
			}
			if !page.HasNextPage {
				return out
			}
			q.After = kg.DuplicateCursor(&page.Pairs[len(page.Pairs)-1])
		}
	}

	t.Run("ListedByScore", func(t *testing.T) {
		want := []string{"p-han-deng|p-han-dong", "p-justin-trudeau|p-pierre-trudeau", "p-melanie-joly|p-michael-chong"}
		if d := cmp.Diff(want, list(t, kg.DuplicateQuery{Kind: kg.Person, First: 1})); d != "" {
			t.Errorf("persons, a page of one at a time (-want +got):\n%s", d)
		}
		if d := cmp.Diff(want[:1], list(t, kg.DuplicateQuery{MinScore: 0.5, First: 10})); d != "" {
			t.Errorf("minScore 0.5 (-want +got):\n%s", d)
		}
		page, err := st.Duplicates(ctx, kg.DuplicateQuery{Kind: kg.Person, First: 1})
		if err != nil || len(page.Pairs) != 1 {
			t.Fatalf("Duplicates: %v %v", page, err)
		}
		got := page.Pairs[0]
		if got.Kind != kg.Person || got.Score != 0.55 || !got.Found.Equal(found) || !cmp.Equal(got.Reasons, reasons) || got.Verdict != "" {
			t.Errorf("pair as listed: %+v", got)
		}
	})

	t.Run("Judged", func(t *testing.T) {
		p, err := st.JudgeDuplicate(ctx, "p-pierre-trudeau", "p-justin-trudeau", kg.VerdictDifferent, kg.AuditMeta{Actor: "curator", Op: "judgeDuplicate"})
		if err != nil {
			t.Fatalf("JudgeDuplicate: %v", err)
		}
		if p.A != "p-justin-trudeau" || p.Verdict != kg.VerdictDifferent || p.JudgedBy != "curator" || p.Score != 0.45 {
			t.Errorf("judged pair: %+v", p)
		}
		rec := lastRecord(t, st)
		if rec.Op != "judgeDuplicate" || rec.Verdict == nil || rec.Verdict.Verdict != kg.VerdictDifferent {
			t.Errorf("the verdict's audit record: %+v", rec)
		}
		if got := auditLog(t, st, kg.AuditQuery{Entity: "p-pierre-trudeau"}); len(got) == 0 || got[len(got)-1].ID != rec.ID {
			t.Error("the verdict is not found in the log by its entities")
		}
		// Found again by a later import: still DIFFERENT, still not listed.
		if err := st.RecordDuplicates(ctx, pairs[1:2], nil); err != nil {
			t.Fatal(err)
		}
		want := []string{"p-han-deng|p-han-dong", "p-melanie-joly|p-michael-chong"}
		if d := cmp.Diff(want, list(t, kg.DuplicateQuery{Kind: kg.Person, First: 10})); d != "" {
			t.Errorf("after DIFFERENT (-want +got):\n%s", d)
		}
		// A verdict on a pair never proposed creates it.
		p, err = st.JudgeDuplicate(ctx, "c-canada", "c-china", kg.VerdictUnsure, kg.AuditMeta{Actor: "curator", Op: "judgeDuplicate"})
		if err != nil || p.Kind != kg.Country || p.Verdict != kg.VerdictUnsure {
			t.Errorf("a verdict on a new pair: %+v, %v", p, err)
		}
		if _, err := st.JudgeDuplicate(ctx, "p-han-dong", "p-nobody", kg.VerdictSame, kg.AuditMeta{Actor: "curator", Op: "judgeDuplicate"}); !kg.IsNotFound(err) {
			t.Errorf("a verdict on a missing entity: %v, want not found", err)
		}
	})

	t.Run("ScanAudited", func(t *testing.T) {
		// A scan's pairs are recorded with their audit record, in one
		// transaction; a verdict already given is kept.
		scanned := []kg.DuplicatePair{
			{A: "p-justin-trudeau", B: "p-pierre-trudeau", Kind: kg.Person, Score: 0.5, Found: found},
			{A: "o-bbc", B: "o-huawei", Kind: kg.Organization, Score: 0.4, Found: found},
		}
		if err := st.RecordDuplicates(ctx, scanned, &kg.AuditMeta{Actor: "curator", Op: kg.OpScanDuplicates}); err != nil {
			t.Fatalf("RecordDuplicates, audited: %v", err)
		}
		rec := lastRecord(t, st)
		want := []kg.DuplicateRef{{A: "p-justin-trudeau", B: "p-pierre-trudeau", Score: 0.5}, {A: "o-bbc", B: "o-huawei", Score: 0.4}}
		if rec.Op != kg.OpScanDuplicates || rec.Actor != "curator" || !cmp.Equal(rec.Duplicates, want) || len(rec.Entities)+len(rec.Relationships) != 0 {
			t.Errorf("the scan's audit record: %+v", rec)
		}
		if got := auditLog(t, st, kg.AuditQuery{Entity: "o-huawei"}); len(got) == 0 || got[len(got)-1].ID != rec.ID {
			t.Error("the scan is not found in the log by the entities of its pairs")
		}
		if got := list(t, kg.DuplicateQuery{Kind: kg.Organization, First: 10}); !cmp.Equal(got, []string{"o-bbc|o-huawei", "o-bbc|o-globe"}) {
			t.Errorf("organizations after the scan: %v", got)
		}
		if got := list(t, kg.DuplicateQuery{Kind: kg.Person, MinScore: 0.5, First: 10}); !cmp.Equal(got, []string{"p-han-deng|p-han-dong"}) {
			t.Errorf("a DIFFERENT pair scanned again is listed: %v", got)
		}
	})

	t.Run("GoneEntitiesAreNotListed", func(t *testing.T) {
		if _, err := removal(t, st, kg.Removal{Entities: []string{"p-michael-chong"}}); err != nil {
			t.Fatal(err)
		}
		want := []string{"p-han-deng|p-han-dong"}
		if d := cmp.Diff(want, list(t, kg.DuplicateQuery{Kind: kg.Person, First: 10})); d != "" {
			t.Errorf("after deleting one end (-want +got):\n%s", d)
		}
	})
}
