package embedded

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/polgraph/polgraph/internal/kg"
)

// Duplicate pairs live in their own bucket, keyed A NUL B, as JSON. They
// are few next to the graph (what resolution could not decide), so a
// listing reads them all and sorts them.

type storedPair struct {
	Kind     kg.Kind          `json:"kind"`
	Score    float64          `json:"score"`
	Reasons  []kg.MatchReason `json:"reasons,omitempty"`
	Found    time.Time        `json:"found,omitzero"`
	Verdict  kg.Verdict       `json:"verdict,omitempty"`
	JudgedBy string           `json:"judgedBy,omitempty"`
	JudgedAt time.Time        `json:"judgedAt,omitzero"`
}

func pairKey(a, b string) []byte { return []byte(a + "\x00" + b) }

func getPair(tx *bolt.Tx, a, b string) (kg.DuplicatePair, bool, error) {
	v := tx.Bucket(bucketDuplicates).Get(pairKey(a, b))
	if v == nil {
		return kg.DuplicatePair{}, false, nil
	}
	p, err := decodePair(pairKey(a, b), v)
	return p, err == nil, err
}

func decodePair(k, v []byte) (kg.DuplicatePair, error) {
	var sp storedPair
	if err := json.Unmarshal(v, &sp); err != nil {
		return kg.DuplicatePair{}, fmt.Errorf("duplicate pair %q: %w", k, err)
	}
	a, b, ok := cutNUL(string(k))
	if !ok {
		return kg.DuplicatePair{}, fmt.Errorf("duplicate pair key %q", k)
	}
	return kg.DuplicatePair{A: a, B: b, Kind: sp.Kind, Score: sp.Score, Reasons: sp.Reasons, Found: sp.Found,
		Verdict: sp.Verdict, JudgedBy: sp.JudgedBy, JudgedAt: sp.JudgedAt}, nil
}

func cutNUL(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

func putPair(tx *bolt.Tx, p *kg.DuplicatePair) error {
	v, err := json.Marshal(storedPair{Kind: p.Kind, Score: p.Score, Reasons: p.Reasons, Found: p.Found,
		Verdict: p.Verdict, JudgedBy: p.JudgedBy, JudgedAt: p.JudgedAt})
	if err != nil {
		return err
	}
	return tx.Bucket(bucketDuplicates).Put(pairKey(p.A, p.B), v)
}

// RecordDuplicates stores candidate pairs, keeping verdicts, and the
// audit record of them when audit is set.
func (s *Store) RecordDuplicates(ctx context.Context, pairs []kg.DuplicatePair, audit *kg.AuditMeta) error {
	op := "recordDuplicates"
	if audit != nil {
		op = audit.Op
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.update(ctx, op, func(tx *bolt.Tx) error {
		if audit != nil {
			rec := kg.AuditRecord{Actor: audit.Actor, Op: audit.Op, Duplicates: kg.DuplicateRefs(pairs)}
			if err := s.putAudit(tx, &rec); err != nil {
				return err
			}
		}
		for i := range pairs {
			p := pairs[i]
			old, ok, err := getPair(tx, p.A, p.B)
			if err != nil {
				return err
			}
			if ok {
				p.Verdict, p.JudgedBy, p.JudgedAt = old.Verdict, old.JudgedBy, old.JudgedAt
			}
			if err := putPair(tx, &p); err != nil {
				return err
			}
		}
		return nil
	})
}

// Duplicates lists the pairs not judged DIFFERENT whose entities exist.
func (s *Store) Duplicates(ctx context.Context, q kg.DuplicateQuery) (kg.DuplicatePage, error) {
	const op = "possibleDuplicates"
	var after struct {
		set   bool
		score float64
		a, b  string
	}
	if q.After != "" {
		sc, a, b, err := kg.DecodeDuplicateCursor(op, q.After)
		if err != nil {
			return kg.DuplicatePage{}, err
		}
		after.set, after.score, after.a, after.b = true, sc, a, b
	}
	var all []kg.DuplicatePair
	err := s.view(ctx, op, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDuplicates).ForEach(func(k, v []byte) error {
			p, err := decodePair(k, v)
			if err != nil {
				return err
			}
			if p.Verdict == kg.VerdictDifferent || p.Score < q.MinScore || (q.Kind != "" && p.Kind != q.Kind) {
				return nil
			}
			if after.set && !p.After(after.score, after.a, after.b) {
				return nil
			}
			all = append(all, p)
			return nil
		})
	})
	if err != nil {
		return kg.DuplicatePage{}, err
	}
	s.mu.RLock()
	all = slices.DeleteFunc(all, func(p kg.DuplicatePair) bool {
		_, okA := s.g.entIdx[p.A]
		_, okB := s.g.entIdx[p.B]
		return !okA || !okB
	})
	s.mu.RUnlock()
	slices.SortFunc(all, func(x, y kg.DuplicatePair) int {
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(x.A, y.A); c != 0 {
			return c
		}
		return cmp.Compare(x.B, y.B)
	})
	page := kg.DuplicatePage{}
	if len(all) > q.First {
		page.HasNextPage = true
		all = all[:q.First]
	}
	page.Pairs = all
	return page, nil
}

// JudgeDuplicate records a verdict and its audit record in one transaction.
func (s *Store) JudgeDuplicate(ctx context.Context, a, b string, v kg.Verdict, m kg.AuditMeta) (kg.DuplicatePair, error) {
	op := m.Op
	a, b = kg.Pair(a, b)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	// Writers hold writeMu: g is read without mu.
	var kind kg.Kind
	for _, id := range []string{a, b} {
		i, ok := s.g.entIdx[id]
		if !ok {
			return kg.DuplicatePair{}, kg.NotFound(op, id)
		}
		kind = s.g.ents[i].e.Kind
	}
	var out kg.DuplicatePair
	err := s.update(ctx, op, func(tx *bolt.Tx) error {
		p, ok, err := getPair(tx, a, b)
		if err != nil {
			return err
		}
		if !ok {
			p = kg.DuplicatePair{A: a, B: b, Kind: kind}
		}
		rec := kg.AuditRecord{Actor: m.Actor, Op: m.Op, Verdict: &kg.VerdictRef{A: a, B: b, Verdict: v}}
		if err := s.putAudit(tx, &rec); err != nil {
			return err
		}
		p.Verdict, p.JudgedBy, p.JudgedAt = v, m.Actor, rec.Time
		out = p
		return putPair(tx, &p)
	})
	return out, err
}

// ScanDuplicates calls fn for every stored pair in (A, B) order (the
// bucket's key order: A NUL B).
func (s *Store) ScanDuplicates(ctx context.Context, fn func(kg.DuplicatePair) error) error {
	const op = "scanDuplicates"
	var all []kg.DuplicatePair
	err := s.view(ctx, op, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDuplicates).ForEach(func(k, v []byte) error {
			p, err := decodePair(k, v)
			if err == nil {
				all = append(all, p)
			}
			return err
		})
	})
	if err != nil {
		return err
	}
	// fn runs outside the read transaction: it may write (a copy into
	// this very store, in a test).
	for _, p := range all {
		if err := ctxErr(ctx, op); err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// ImportDuplicates stores pairs as they are, verdicts included.
func (s *Store) ImportDuplicates(ctx context.Context, pairs []kg.DuplicatePair) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.update(ctx, "importDuplicates", func(tx *bolt.Tx) error {
		for i := range pairs {
			if err := putPair(tx, &pairs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}
