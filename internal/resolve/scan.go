package resolve

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// actorKinds are the kinds Scan looks at when not told: those whose
// duplicates a curator merges.
var actorKinds = []kg.Kind{kg.Person, kg.Organization, kg.Country}

// maxBlock is the largest group of entities sharing a name word that Scan
// compares pairwise: a word that common ("party", "wang") says nothing.
const maxBlock = 200

// Scan looks for possible duplicates among what the graph holds (entities
// that came in by different routes before any import resolved them):
// entities of a kind sharing a word of a name or alias are scored pairwise
// (Score, with their parties and countries), and pairs at or above
// candidateAt (0: DefaultCandidateAt) are recorded for a curator
// (kg.Service.RecordScannedDuplicates: editor role, audited as
// scanDuplicates). Nothing is merged. kind "" scans persons,
// organizations and countries. It returns the pairs recorded.
func Scan(ctx context.Context, svc *kg.Service, kind kg.Kind, candidateAt float64) ([]kg.DuplicatePair, error) {
	const op = kg.OpScanDuplicates
	// Authorise and check before reading: a refused scan reads nothing.
	if _, err := kg.Authorize(ctx, op, kg.RoleEditor); err != nil {
		return nil, err
	}
	if kind != "" && !kind.Valid() {
		return nil, kg.Invalidf(op, "kind", "unknown kind %q", kind)
	}
	if math.IsNaN(candidateAt) || candidateAt < 0 || candidateAt > 1 {
		return nil, kg.Invalidf(op, "minScore", "%v is not between 0 and 1", candidateAt)
	}
	if candidateAt == 0 {
		candidateAt = DefaultCandidateAt
	}
	kinds := actorKinds
	if kind != "" {
		kinds = []kg.Kind{kind}
	}
	blocks := map[string][]kg.Entity{}
	err := svc.Store().ScanEntities(ctx, func(e kg.Entity) error {
		if !slices.Contains(kinds, e.Kind) {
			return nil
		}
		words := map[string]bool{}
		for _, n := range e.Names() {
			for _, w := range ParseName(n).Tokens {
				if len(w) > 1 {
					words[w] = true
				}
			}
		}
		e.Text = ""
		for w := range words {
			k := string(e.Kind) + "\x00" + w
			if len(blocks[k]) <= maxBlock {
				blocks[k] = append(blocks[k], e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	type pair struct{ a, b string }
	scored := map[pair]bool{}
	var found []pair
	ents := map[string]kg.Entity{}
	for _, list := range blocks {
		if len(list) > maxBlock {
			continue
		}
		for i := range list {
			for j := i + 1; j < len(list); j++ {
				a, b := kg.Pair(list[i].ID, list[j].ID)
				if scored[pair{a, b}] {
					continue
				}
				scored[pair{a, b}] = true
				if s, _ := Score(Subject{Entity: list[i]}, Subject{Entity: list[j]}); s >= candidateAt-weightParty-weightCountry {
					found = append(found, pair{a, b})
					ents[list[i].ID], ents[list[j].ID] = list[i], list[j]
				}
			}
		}
	}
	if len(found) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(ents))
	for id := range ents {
		ids = append(ids, id)
	}
	subjects, err := Subjects(ctx, svc, ids)
	if err != nil {
		return nil, err
	}
	var out []kg.DuplicatePair
	for _, p := range found {
		a, okA := subjects[p.a]
		b, okB := subjects[p.b]
		if !okA || !okB {
			continue
		}
		score, reasons := Score(a, b)
		if score >= candidateAt {
			out = append(out, kg.DuplicatePair{A: p.a, B: p.b, Kind: a.Entity.Kind, Score: score, Reasons: reasons})
		}
	}
	slices.SortFunc(out, func(x, y kg.DuplicatePair) int {
		if x.A != y.A {
			return strings.Compare(x.A, y.A)
		}
		return strings.Compare(x.B, y.B)
	})
	for start := 0; start < len(out); start += svc.Limits().MaxBatchEntities {
		end := min(len(out), start+svc.Limits().MaxBatchEntities)
		if err := svc.RecordScannedDuplicates(ctx, out[start:end]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
