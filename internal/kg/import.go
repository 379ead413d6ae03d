package kg

import (
	"context"
	"fmt"
)

// ImportGraph writes one batch of a whole-graph copy (admin only): entities
// upserted whole and relationships with their evidence merged, as a copy
// between stores writes them (polgraph copy --to a directory a server runs
// on sends its batches here). It is Apply with the admin role: validated
// item by item, decided inside the store's write transaction, all of it or
// nothing, and recorded in the audit log as op "importGraph". lines, when
// set, names each entity's and relationship's line of the caller's input,
// so problems point at it.
func (s *Service) ImportGraph(ctx context.Context, b *Batch, lines func(entity bool, i int) int) error {
	const op = "importGraph"
	if _, err := Authorize(ctx, op, RoleAdmin); err != nil {
		return err
	}
	var paths BatchPaths
	if lines != nil {
		paths.Entity = func(i int) string { return fmt.Sprintf("line %d.entity", lines(true, i)) }
		paths.Relationship = func(i int) string { return fmt.Sprintf("line %d.relationship", lines(false, i)) }
	}
	if len(b.Evidence) > 0 || !b.Remove.Empty() {
		return Invalidf(op, "batch", "an import stores entities and relationships only")
	}
	return s.Apply(ctx, op, b, paths)
}
