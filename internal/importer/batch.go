package importer

import "github.com/polgraph/polgraph/internal/kg"

// DefaultBatchSize is how many records one write holds unless told.
const DefaultBatchSize = 20000

// MaxBatchSize is the most records one write may hold under limits: a
// record can be a few items (a membership is two relationships), so a
// quarter of the write cap, less one. Run clamps a larger BatchSize to
// it; a server refuses one (importDataset's batchSize). 0 when the cap
// is too small to say.
func MaxBatchSize(l kg.Limits) int { return max(l.MaxBatchEntities/4-1, 0) }
