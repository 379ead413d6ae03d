package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/resolve"
)

func duplicatesCommand() Command {
	var kind string
	var minScore float64
	var first int
	var scan bool
	return Command{
		Name: "duplicates",
		Args: "[--scan]",
		Summary: "list pairs of entities that may be the same (found by ingest --match, or by --scan), highest score first, with the reasons; " +
			"judge and merge them with the GraphQL mutations judgeDuplicate and mergeEntities",
		Options: []string{"data", "store", "log-level", "log-format"},
		Flags: func(fs *flag.FlagSet) {
			fs.StringVar(&kind, "kind", "", "only pairs of this kind (PERSON, ORGANIZATION, ...)")
			fs.Float64Var(&minScore, "min-score", 0, "only pairs scoring at least this (0..1)")
			fs.IntVar(&first, "first", 50, "list at most this many pairs")
			fs.BoolVar(&scan, "scan", false, "first look for duplicates among the stored entities (by name, party and country) and record them; merges nothing")
		},
		Run: func(ctx context.Context, env *Env, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("%w: duplicates takes no arguments", ErrUsage)
			}
			return runDuplicates(ctx, env, kg.Kind(strings.ToUpper(kind)), minScore, first, scan)
		},
	}
}

func runDuplicates(ctx context.Context, env *Env, kind kg.Kind, minScore float64, first int, scan bool) (err error) {
	rm, err := env.remoteServer(ctx)
	if err != nil {
		return err
	}
	var pairs []kg.DuplicatePair
	if rm != nil {
		if scan {
			n, err := rm.scanDuplicates(ctx, kind)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "scan: %d possible duplicates recorded\n", n)
		}
		pairs, err = rm.duplicates(ctx, kind, minScore, first)
	} else {
		svc, store, oerr := env.OpenService(ctx)
		if oerr != nil {
			return oerr
		}
		defer closeStore(store, &err)
		if scan {
			found, err := resolve.Scan(asCLI(ctx), svc, kind, 0)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "scan: %d possible duplicates recorded\n", len(found))
		}
		var page kg.DuplicatePage
		page, err = svc.PossibleDuplicates(asCLI(ctx), kind, minScore, &first, "")
		pairs = page.Pairs
	}
	if err != nil {
		return err
	}
	if len(pairs) == 0 {
		fmt.Fprintln(env.Stdout, "no possible duplicates")
		return nil
	}
	w := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SCORE\tA\tB\tKIND\tVERDICT\tREASONS")
	for _, p := range pairs {
		v := string(p.Verdict)
		if v == "" {
			v = "-"
		}
		fmt.Fprintf(w, "%.3f\t%s\t%s\t%s\t%s\t%s\n", p.Score, p.A, p.B, p.Kind, v, resolve.Describe(p.Reasons))
	}
	return w.Flush()
}

// duplicates lists candidate pairs through the running server.
func (r *remote) duplicates(ctx context.Context, kind kg.Kind, minScore float64, first int) ([]kg.DuplicatePair, error) {
	vars := map[string]any{"min": minScore, "first": first}
	if kind != "" {
		vars["kind"] = string(kind)
	}
	var d struct {
		PossibleDuplicates struct {
			Edges []struct {
				Node struct {
					A, B    struct{ ID string }
					Kind    kg.Kind
					Score   float64
					Reasons []kg.MatchReason
					Verdict *kg.Verdict
				}
			}
		}
	}
	err := r.graphql(ctx, `query($kind: EntityKind, $min: Float, $first: Int) {
	  possibleDuplicates(kind: $kind, minScore: $min, first: $first) {
	    edges { node { a { id } b { id } kind score reasons { kind detail weight } verdict } } } }`, vars, &d)
	if err != nil {
		return nil, err
	}
	var out []kg.DuplicatePair
	for _, e := range d.PossibleDuplicates.Edges {
		p := kg.DuplicatePair{A: e.Node.A.ID, B: e.Node.B.ID, Kind: e.Node.Kind, Score: e.Node.Score, Reasons: e.Node.Reasons}
		if e.Node.Verdict != nil {
			p.Verdict = *e.Node.Verdict
		}
		out = append(out, p)
	}
	return out, nil
}

// scanDuplicates runs the scan on the running server (scanDuplicates, at
// the default score as the local scan does) and returns the pairs
// recorded.
func (r *remote) scanDuplicates(ctx context.Context, kind kg.Kind) (int, error) {
	vars := map[string]any{}
	if kind != "" {
		vars["kind"] = string(kind)
	}
	var d struct{ ScanDuplicates int }
	if err := r.graphql(ctx, `mutation($kind: EntityKind) { scanDuplicates(kind: $kind) }`, vars, &d); err != nil {
		return 0, err
	}
	return d.ScanDuplicates, nil
}
