package kg

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"
)

// Duplicates: pairs of entities of one kind that entity resolution
// (internal/resolve) found may be the same, with the score and the reasons
// it gave, waiting for a curator's verdict. A pair judged DIFFERENT is
// never proposed again: recording it again keeps the verdict, and
// listings leave it out. A pair judged SAME is merged by the curator
// (mergeEntities); once one of its entities is gone it is no longer
// listed.

// Verdict is a curator's decision on a duplicate pair.
type Verdict string

const (
	VerdictSame      Verdict = "SAME"
	VerdictDifferent Verdict = "DIFFERENT"
	VerdictUnsure    Verdict = "UNSURE"
)

// Valid reports whether v is one of the three verdicts.
func (v Verdict) Valid() bool {
	return v == VerdictSame || v == VerdictDifferent || v == VerdictUnsure
}

// MatchReason is one reason two entities may be the same (or not): what
// agreed ("IDENTIFIER", "NAME_EXACT", "BIRTH_DATE", "PARTY", ...), the
// detail ("wikidata Q123"), and how much it weighed in the score (negative
// for a disagreement).
type MatchReason struct {
	Kind   string  `json:"kind"`
	Detail string  `json:"detail,omitempty"`
	Weight float64 `json:"weight"`
}

// DuplicatePair is a candidate pair: A < B.
type DuplicatePair struct {
	A, B    string
	Kind    Kind
	Score   float64 // 0..1
	Reasons []MatchReason
	Found   time.Time // when it was last recorded
	// The verdict, when judged.
	Verdict  Verdict
	JudgedBy string
	JudgedAt time.Time
}

// Pair orders two ids as a DuplicatePair holds them.
func Pair(a, b string) (string, string) {
	if b < a {
		return b, a
	}
	return a, b
}

// DuplicateQuery lists candidate pairs, highest score first (then A, B).
type DuplicateQuery struct {
	Kind     Kind    // "" for any
	MinScore float64 // pairs scoring at least this
	First    int
	After    string // cursor (DuplicateCursor) of the last pair of the previous page
}

// DuplicatePage is a page of pairs.
type DuplicatePage struct {
	Pairs       []DuplicatePair
	HasNextPage bool
}

// DuplicateCursor is the cursor of a pair in Duplicates' pages.
func DuplicateCursor(p *DuplicatePair) string {
	return EncodeCursor(strconv.FormatFloat(p.Score, 'g', -1, 64), p.A, p.B)
}

// DecodeDuplicateCursor reads a cursor made by DuplicateCursor.
func DecodeDuplicateCursor(op, cursor string) (score float64, a, b string, err error) {
	parts, err := DecodeCursor(op, cursor, 3)
	if err != nil {
		return 0, "", "", err
	}
	score, perr := strconv.ParseFloat(parts[0], 64)
	if perr != nil || math.IsNaN(score) {
		return 0, "", "", Invalidf(op, "after", "%q is not a cursor this query returned", cursor)
	}
	return score, parts[1], parts[2], nil
}

// After reports whether p comes after the position (score, a, b) in
// listing order.
func (p *DuplicatePair) After(score float64, a, b string) bool {
	if p.Score != score {
		return p.Score < score
	}
	if p.A != a {
		return p.A > a
	}
	return p.B > b
}

// DuplicateStore keeps candidate pairs and verdicts.
type DuplicateStore interface {
	// RecordDuplicates stores candidate pairs (A < B), replacing the score,
	// reasons and Found of a pair already stored and keeping its verdict.
	// With audit nil it is not audited (the pairs an import's resolution
	// derived, not facts); with audit set (a scan a curator asked for),
	// the record of it (Op audit.Op, Duplicates the pairs) is written in
	// the same transaction.
	RecordDuplicates(ctx context.Context, pairs []DuplicatePair, audit *AuditMeta) error
	// Duplicates lists the pairs matching q that are not judged DIFFERENT
	// and whose two entities both exist, in listing order.
	Duplicates(ctx context.Context, q DuplicateQuery) (DuplicatePage, error)
	// JudgeDuplicate records a verdict on the pair (a, b), creating the
	// pair when it was not a candidate (kind the entities', score 0), and
	// writes the record of it (Op audit.Op, Verdict set) in the same
	// transaction. KindNotFound when a or b is not an entity.
	JudgeDuplicate(ctx context.Context, a, b string, v Verdict, audit AuditMeta) (DuplicatePair, error)
	// ScanDuplicates calls fn for every stored pair, in (A, B) order,
	// verdicts included, judged DIFFERENT or not, whether or not its
	// entities exist: what a copy between stores carries. An error from
	// fn stops the scan and is returned.
	ScanDuplicates(ctx context.Context, fn func(DuplicatePair) error) error
	// ImportDuplicates stores pairs exactly as given (score, reasons,
	// times, verdict and who judged), replacing a stored pair with the
	// same A and B, in one transaction; as a copy between stores does.
	ImportDuplicates(ctx context.Context, pairs []DuplicatePair) error
}

// VerdictRef is what the audit record of a verdict holds.
type VerdictRef struct {
	A       string  `json:"a"`
	B       string  `json:"b"`
	Verdict Verdict `json:"verdict"`
}

// DuplicateRef is a pair the audit record of a scan recorded.
type DuplicateRef struct {
	A     string  `json:"a"`
	B     string  `json:"b"`
	Score float64 `json:"score"`
}

// DuplicateRefs are the pairs as an audit record holds them.
func DuplicateRefs(pairs []DuplicatePair) []DuplicateRef {
	out := make([]DuplicateRef, len(pairs))
	for i, p := range pairs {
		out[i] = DuplicateRef{A: p.A, B: p.B, Score: p.Score}
	}
	return out
}

// OpScanDuplicates is the operation of a duplicate scan, as the audit
// log names it.
const OpScanDuplicates = "scanDuplicates"

// MaxDuplicateReasons bounds the reasons one pair keeps.
const MaxDuplicateReasons = 20

// PossibleDuplicates lists candidate pairs (any role that may read).
func (s *Service) PossibleDuplicates(ctx context.Context, kind Kind, minScore float64, first *int, after string) (DuplicatePage, error) {
	const op = "possibleDuplicates"
	var p problems
	if kind != "" && !kind.Valid() {
		p.add("kind", "unknown kind %q", kind)
	}
	if math.IsNaN(minScore) || minScore < 0 || minScore > 1 {
		p.add("minScore", "%v is not between 0 and 1", minScore)
	}
	q := DuplicateQuery{Kind: kind, MinScore: minScore, First: s.page(&p, first), After: after}
	if err := p.err(op); err != nil {
		return DuplicatePage{}, err
	}
	if after != "" {
		if _, _, _, err := DecodeDuplicateCursor(op, after); err != nil {
			return DuplicatePage{}, err
		}
	}
	return s.store.Duplicates(ctx, q)
}

// JudgeDuplicate records a curator's verdict on a pair (editor role).
func (s *Service) JudgeDuplicate(ctx context.Context, a, b string, v Verdict) (DuplicatePair, error) {
	const op = "judgeDuplicate"
	actor, err := Authorize(ctx, op, RoleEditor)
	if err != nil {
		return DuplicatePair{}, err
	}
	var p problems
	if strings.TrimSpace(a) == "" {
		p.add("a", "must not be empty")
	}
	if strings.TrimSpace(b) == "" {
		p.add("b", "must not be empty")
	}
	if a != "" && a == b {
		p.add("b", "an entity is not a duplicate of itself")
	}
	if !v.Valid() {
		p.add("verdict", "unknown verdict %q; want SAME, DIFFERENT or UNSURE", v)
	}
	if err := p.err(op); err != nil {
		return DuplicatePair{}, err
	}
	return s.store.JudgeDuplicate(ctx, a, b, v, AuditMeta{Actor: actor, Op: op})
}

// RecordDuplicates stores candidate pairs found by resolution (editor
// role), checking each. It is not audited: an import's resolution derived
// them.
func (s *Service) RecordDuplicates(ctx context.Context, pairs []DuplicatePair) error {
	return s.recordDuplicates(ctx, "recordDuplicates", pairs, false)
}

// RecordScannedDuplicates stores candidate pairs a scan of the graph
// found (editor role), checked as RecordDuplicates checks them, and
// writes the audit record of it (OpScanDuplicates, with the pairs) in the
// same transaction: who asked for a scan, and what it recorded, is in the
// log. Recording no pairs writes nothing.
func (s *Service) RecordScannedDuplicates(ctx context.Context, pairs []DuplicatePair) error {
	return s.recordDuplicates(ctx, OpScanDuplicates, pairs, true)
}

func (s *Service) recordDuplicates(ctx context.Context, op string, pairs []DuplicatePair, audited bool) error {
	actor, err := Authorize(ctx, op, RoleEditor)
	if err != nil {
		return err
	}
	if len(pairs) > s.limits.MaxBatchEntities {
		return Invalidf(op, "pairs", "%d pairs is above the maximum %d per write", len(pairs), s.limits.MaxBatchEntities)
	}
	var p problems
	for i := range pairs {
		d := &pairs[i]
		at := "pairs" + index(i)
		d.A, d.B = Pair(d.A, d.B)
		validateID(&p, at+".a", d.A)
		validateID(&p, at+".b", d.B)
		if d.A == d.B {
			p.add(at, "an entity is not a duplicate of itself")
		}
		if !d.Kind.Valid() {
			p.add(at+".kind", "unknown kind %q", d.Kind)
		}
		if math.IsNaN(d.Score) || d.Score < 0 || d.Score > 1 {
			p.add(at+".score", "%v is not between 0 and 1", d.Score)
		}
		if len(d.Reasons) > MaxDuplicateReasons {
			d.Reasons = d.Reasons[:MaxDuplicateReasons]
		}
		d.Verdict, d.JudgedBy, d.JudgedAt = "", "", time.Time{}
		if d.Found.IsZero() {
			d.Found = time.Now().UTC()
		}
	}
	if err := p.err(op); err != nil {
		return err
	}
	if len(pairs) == 0 {
		return nil
	}
	var audit *AuditMeta
	if audited {
		audit = &AuditMeta{Actor: actor, Op: op}
	}
	return s.store.RecordDuplicates(ctx, pairs, audit)
}
