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

// Duplicate candidate pairs are DuplicatePair nodes, unique by pair (A NUL
// B), with their score indexed for listings; their reasons are kept as
// JSON.

func pairID(a, b string) string { return a + "\x00" + b }

// RecordDuplicates stores candidate pairs, keeping verdicts, and the
// audit record of them when audit is set.
func (s *Store) RecordDuplicates(ctx context.Context, pairs []kg.DuplicatePair, audit *kg.AuditMeta) error {
	op := "recordDuplicates"
	if audit != nil {
		op = audit.Op
	}
	rows := make([]any, len(pairs))
	for i, p := range pairs {
		reasons, err := json.Marshal(p.Reasons)
		if err != nil {
			return kg.Internal(op, err)
		}
		rows[i] = map[string]any{"pair": pairID(p.A, p.B), "a": p.A, "b": p.B, "kind": string(p.Kind),
			"score": p.Score, "reasons": string(reasons), "found": p.Found.UTC().Format(time.RFC3339Nano)}
	}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	_, err := writeTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if audit != nil {
			rec := kg.AuditRecord{Actor: audit.Actor, Op: audit.Op, Duplicates: kg.DuplicateRefs(pairs)}
			if err := createAudit(ctx, tx, &rec); err != nil {
				return struct{}{}, err
			}
		}
		_, err := run(ctx, tx, stRecordDuplicates, map[string]any{"rows": rows})
		return struct{}{}, err
	})
	return err
}

// Duplicates lists the pairs not judged DIFFERENT whose entities exist.
func (s *Store) Duplicates(ctx context.Context, q kg.DuplicateQuery) (kg.DuplicatePage, error) {
	const op = "possibleDuplicates"
	params := map[string]any{"min_score": q.MinScore, "kind": string(q.Kind), "has_after": false,
		"after_score": 0.0, "after_id": "", "after_b": "", "limit": int64(q.First + 1)}
	if q.After != "" {
		sc, a, b, err := kg.DecodeDuplicateCursor(op, q.After)
		if err != nil {
			return kg.DuplicatePage{}, err
		}
		params["has_after"], params["after_score"], params["after_id"], params["after_b"] = true, sc, a, b
	}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return readTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (kg.DuplicatePage, error) {
		recs, err := run(ctx, tx, stListDuplicates, params)
		if err != nil {
			return kg.DuplicatePage{}, err
		}
		var page kg.DuplicatePage
		for _, rec := range recs {
			p, err := pairFromRecord(rec)
			if err != nil {
				return kg.DuplicatePage{}, err
			}
			page.Pairs = append(page.Pairs, p)
		}
		if len(page.Pairs) > q.First {
			page.Pairs, page.HasNextPage = page.Pairs[:q.First], true
		}
		return page, nil
	})
}

func pairFromRecord(rec *neo4j.Record) (kg.DuplicatePair, error) {
	n, isNil, err := neo4j.GetRecordValue[dbtype.Node](rec, "d")
	if err != nil || isNil {
		return kg.DuplicatePair{}, fmt.Errorf("duplicate record: d missing (%v)", err)
	}
	p := &propReader{n: n}
	out := kg.DuplicatePair{A: p.str("a"), B: p.str("b"), Kind: kg.Kind(p.str("kind")),
		Verdict: kg.Verdict(p.str("verdict")), JudgedBy: p.str("judged_by")}
	reasons, found, judged := p.str("reasons"), p.str("found"), p.str("judged_at")
	if p.err != nil {
		return kg.DuplicatePair{}, p.err
	}
	score, err := optProperty[float64](n, "score")
	if err != nil {
		return kg.DuplicatePair{}, err
	}
	out.Score = score
	if reasons != "" {
		if err := json.Unmarshal([]byte(reasons), &out.Reasons); err != nil {
			return kg.DuplicatePair{}, fmt.Errorf("duplicate reasons: %w", err)
		}
	}
	for _, t := range []struct {
		s   string
		dst *time.Time
	}{{found, &out.Found}, {judged, &out.JudgedAt}} {
		if t.s == "" {
			continue
		}
		if *t.dst, err = time.Parse(time.RFC3339Nano, t.s); err != nil {
			return kg.DuplicatePair{}, fmt.Errorf("duplicate time: %w", err)
		}
	}
	return out, nil
}

// JudgeDuplicate records a verdict and its audit record in one transaction.
func (s *Store) JudgeDuplicate(ctx context.Context, a, b string, v kg.Verdict, m kg.AuditMeta) (kg.DuplicatePair, error) {
	op := m.Op
	a, b = kg.Pair(a, b)
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	return writeTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (kg.DuplicatePair, error) {
		recs, err := run(ctx, tx, stEntitiesByID, map[string]any{"ids": []any{a, b}})
		if err != nil {
			return kg.DuplicatePair{}, err
		}
		kinds := map[string]kg.Kind{}
		for _, rec := range recs {
			n, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "e")
			if err != nil {
				return kg.DuplicatePair{}, err
			}
			e, err := entityFromNode(n)
			if err != nil {
				return kg.DuplicatePair{}, err
			}
			kinds[e.ID] = e.Kind
		}
		for _, id := range []string{a, b} {
			if _, ok := kinds[id]; !ok {
				return kg.DuplicatePair{}, kg.NotFound(op, id)
			}
		}
		rec := kg.AuditRecord{Actor: m.Actor, Op: m.Op, Verdict: &kg.VerdictRef{A: a, B: b, Verdict: v}}
		if err := createAudit(ctx, tx, &rec); err != nil {
			return kg.DuplicatePair{}, err
		}
		out, err := run(ctx, tx, stJudgeDuplicate, map[string]any{"pair": pairID(a, b), "a": a, "b": b,
			"kind": string(kinds[a]), "verdict": string(v), "judged_by": m.Actor, "judged_at": rec.Time.Format(time.RFC3339Nano)})
		if err != nil {
			return kg.DuplicatePair{}, err
		}
		if len(out) != 1 {
			return kg.DuplicatePair{}, fmt.Errorf("judge duplicate: %d rows", len(out))
		}
		return pairFromRecord(out[0])
	})
}

// scanDuplicatesPage is how many pairs one read of ScanDuplicates returns.
const scanDuplicatesPage = 1000

// ScanDuplicates calls fn for every stored pair, in (A, B) order: pages
// by the pair key (A NUL B), each its own read, fn outside them.
func (s *Store) ScanDuplicates(ctx context.Context, fn func(kg.DuplicatePair) error) error {
	const op = "scanDuplicates"
	after := ""
	for {
		page, err := func() ([]kg.DuplicatePair, error) {
			ctx, cancel := s.deadline(ctx, 0)
			defer cancel()
			return readTx(s, ctx, op, func(tx neo4j.ManagedTransaction) ([]kg.DuplicatePair, error) {
				recs, err := run(ctx, tx, stScanDuplicates, map[string]any{"after": after, "limit": int64(scanDuplicatesPage)})
				if err != nil {
					return nil, err
				}
				out := make([]kg.DuplicatePair, 0, len(recs))
				for _, rec := range recs {
					p, err := pairFromRecord(rec)
					if err != nil {
						return nil, err
					}
					out = append(out, p)
				}
				return out, nil
			})
		}()
		if err != nil {
			return err
		}
		for _, p := range page {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(page) < scanDuplicatesPage {
			return nil
		}
		last := page[len(page)-1]
		after = pairID(last.A, last.B)
	}
}

// ImportDuplicates stores pairs as they are, verdicts included.
func (s *Store) ImportDuplicates(ctx context.Context, pairs []kg.DuplicatePair) error {
	const op = "importDuplicates"
	rows := make([]any, len(pairs))
	opt := func(v string) any {
		if v == "" {
			return nil // no property
		}
		return v
	}
	optTime := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	for i, p := range pairs {
		reasons, err := json.Marshal(p.Reasons)
		if err != nil {
			return kg.Internal(op, err)
		}
		rows[i] = map[string]any{"pair": pairID(p.A, p.B), "a": p.A, "b": p.B, "kind": string(p.Kind),
			"score": p.Score, "reasons": string(reasons), "found": optTime(p.Found),
			"verdict": opt(string(p.Verdict)), "judged_by": opt(p.JudgedBy), "judged_at": optTime(p.JudgedAt)}
	}
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	_, err := writeTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, stImportDuplicates, map[string]any{"rows": rows})
		return struct{}{}, err
	})
	return err
}
