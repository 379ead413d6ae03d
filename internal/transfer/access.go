package transfer

import (
	"context"

	"github.com/polgraph/polgraph/internal/kg"
)

// Keys and the audit log travel only between stores opened directly: the
// API never hands out a key's hash, and nothing may write the audit log
// through it, so a copy through a running server moves the graph alone.

// CopyKeys copies every API key (revoked ones included, hashes and times as
// they are) from one store to another, in one write, and returns how many.
// A key name the target holds with another secret is KindConflict, and no
// key is written.
func CopyKeys(ctx context.Context, from, to kg.KeyStore) (int, error) {
	keys, err := from.ListKeys(ctx)
	if err != nil {
		return 0, err
	}
	if err := to.ImportKeys(ctx, keys); err != nil {
		return 0, err
	}
	return len(keys), nil
}

// CopyAudit copies the whole audit log, oldest first, in writes of at most
// batch records (DefaultBatchSize when 0), and returns how many. Records
// are stored as they are (ids, times, who, what changed, reverts), so a
// write made before the copy can be reverted on the target; copying again
// changes nothing.
func CopyAudit(ctx context.Context, from, to kg.AuditStore, batch int) (int, error) {
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	n := 0
	q := kg.AuditQuery{First: batch}
	for {
		page, err := from.AuditLog(ctx, q)
		if err != nil {
			return n, err
		}
		if err := to.ImportAudit(ctx, page.Records); err != nil {
			return n, err
		}
		n += len(page.Records)
		if !page.HasNextPage || len(page.Records) == 0 {
			return n, nil
		}
		q.After = page.Records[len(page.Records)-1].ID
	}
}

// CopyDuplicates copies every duplicate candidate pair with its verdict
// (kg.DuplicateStore.ScanDuplicates: pairs judged DIFFERENT and pairs
// whose entities are gone included, so that a pair judged once is never
// proposed again on the target either), in writes of at most batch pairs
// (DefaultBatchSize when 0), and returns how many. Pairs are stored as
// they are (ImportDuplicates), so copying again changes nothing.
func CopyDuplicates(ctx context.Context, from, to kg.DuplicateStore, batch int) (int, error) {
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	n := 0
	var pairs []kg.DuplicatePair
	flush := func() error {
		if len(pairs) == 0 {
			return nil
		}
		if err := to.ImportDuplicates(ctx, pairs); err != nil {
			return err
		}
		n += len(pairs)
		pairs = pairs[:0]
		return nil
	}
	err := from.ScanDuplicates(ctx, func(p kg.DuplicatePair) error {
		pairs = append(pairs, p)
		if len(pairs) >= batch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return n, err
}
