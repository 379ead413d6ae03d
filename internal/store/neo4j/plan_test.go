package neo4j

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/polgraph/polgraph/internal/store/storetest"
)

// planOperators lists the operators of a plan tree, without the
// "@neo4j" runtime suffix.
func planOperators(p neo4j.Plan) []string {
	if p == nil {
		return nil
	}
	ops := []string{strings.SplitN(p.Operator(), "@", 2)[0]}
	for _, c := range p.Children() {
		ops = append(ops, planOperators(c)...)
	}
	return ops
}

// planExceptions are the statements allowed an operator the plan test
// otherwise forbids, and why.
var planExceptions = map[string]map[string]string{
	stDeleteAll:       {"AllNodesScan": "empties the database for the tests (DeleteAll), nothing else calls it"},
	stUnsearchable:    {"NodeByLabelScan": "Migrate's one-off backfill of entities written before search_text existed"},
	stListKeys:        {"NodeByLabelScan": "lists every API key: the listing is the scan of the (few) ApiKey nodes"},
	stCountActiveKeys: {"NodeByLabelScan": "counts the active API keys among the (few) ApiKey nodes, checked for an anonymous write"},
}

// TestQueryPlans: every statement's plan on the real server is
// index-backed: no AllNodesScan, no label scan where an index seek was
// meant, no Cartesian product except of two unique-index seeks (one row
// each, e.g. a path's two ends).
func TestQueryPlans(t *testing.T) {
	cfg := serverConfig(t)
	s := emptyStore(t, cfg)
	defer s.Close()
	ctx := context.Background()
	// Statistics of a non-empty graph, as plans are made for. This is the
	// first write to a fresh server, which compiles every statement it
	// sends: on a loaded machine that takes longer than the default query
	// timeout, so the write gets its own deadline.
	actx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	start := time.Now()
	if err := s.Apply(actx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	t.Logf("the first write (the fixture) took %v", time.Since(start))
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	names := statementNames()
	sort.Strings(names)
	checked := 0
	for _, name := range names {
		if strings.HasPrefix(name, prefixMigrate) || name == stAwaitIndexes {
			continue // schema statements have no plan to speak of
		}
		res, err := sess.Run(ctx, "EXPLAIN "+registry[name].Text, nil)
		if err != nil {
			t.Errorf("EXPLAIN %s: %v", name, err)
			continue
		}
		sum, err := res.Consume(ctx)
		if err != nil {
			t.Errorf("EXPLAIN %s: %v", name, err)
			continue
		}
		checked++
		for _, bad := range badOperators(sum.Plan()) {
			if why, ok := planExceptions[name][bad]; ok {
				t.Logf("%s: %s allowed: %s", name, bad, why)
				continue
			}
			t.Errorf("%s plans a %s: %v", name, bad, planOperators(sum.Plan()))
		}
	}
	if checked < 50 {
		t.Errorf("only %d statements were explained", checked)
	}
}

// badOperators lists the operators of p that a lookup must not use.
func badOperators(p neo4j.Plan) []string {
	if p == nil {
		return nil
	}
	var bad []string
	switch op := strings.SplitN(p.Operator(), "@", 2)[0]; op {
	case "AllNodesScan", "NodeByLabelScan", "UndirectedRelationshipTypeScan", "DirectedRelationshipTypeScan",
		"UndirectedAllRelationshipsScan", "DirectedAllRelationshipsScan":
		bad = append(bad, op)
	case "CartesianProduct":
		for _, c := range p.Children() {
			if !strings.HasPrefix(c.Operator(), "NodeUniqueIndexSeek") || len(c.Children()) > 0 {
				bad = append(bad, op)
				break
			}
		}
	}
	for _, c := range p.Children() {
		bad = append(bad, badOperators(c)...)
	}
	return bad
}
