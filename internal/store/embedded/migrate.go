package embedded

import (
	"bytes"
	"context"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"
)

// migrateChunk is how many records one migration transaction rewrites: a
// transaction holds its dirty pages in memory until it commits.
const migrateChunk = 50_000

// migrateRecords brings a schema-1 (JSON records) or schema-2 (binary
// records without provenance) data directory to schema 3 (codec.go), a
// chunk of records per transaction. Records of every encoding decode (by
// their first byte), so a migration stopped by a crash or a cancelled ctx
// leaves a readable store, and the next Open carries on where it stopped;
// the version changes to 3 in the transaction that rewrites the last
// record.
func migrateRecords(ctx context.Context, db *bolt.DB, log *slog.Logger, from string) error {
	start := time.Now()
	total := 0
	for _, bucket := range [][]byte{bucketEntities, bucketRelationships} {
		var after []byte // last key rewritten
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			var done bool
			err := db.Update(func(tx *bolt.Tx) error {
				b := tx.Bucket(bucket)
				c := b.Cursor()
				k, v := c.First()
				if after != nil {
					k, v = c.Seek(after)
					if k != nil && bytes.Equal(k, after) {
						k, v = c.Next()
					}
				}
				// Collect first: bbolt's cursors must not be used across
				// a Put.
				var keys, vals [][]byte
				for ; k != nil && len(keys) < migrateChunk; k, v = c.Next() {
					if isCurrent(v) {
						continue // an earlier run did it
					}
					nv, err := reencode(bucket, k, v)
					if err != nil {
						return err
					}
					keys = append(keys, bytes.Clone(k))
					vals = append(vals, nv)
				}
				done = k == nil
				for i := range keys {
					if err := b.Put(keys[i], vals[i]); err != nil {
						return err
					}
				}
				if len(keys) > 0 {
					after = keys[len(keys)-1]
				}
				total += len(keys)
				if done && bytes.Equal(bucket, bucketRelationships) {
					return tx.Bucket(bucketMeta).Put(keyVersion, []byte(schemaVersion))
				}
				return nil
			})
			if err != nil {
				return err
			}
			if done {
				break
			}
		}
	}
	log.Info("store migrated", "from", from, "to", schemaVersion, "records", total, "took", time.Since(start))
	return nil
}

// reencode decodes a record of an earlier schema and encodes it for
// schema 3.
func reencode(bucket, k, v []byte) ([]byte, error) {
	if bytes.Equal(bucket, bucketEntities) {
		e, err := decodeEntity(k, v)
		if err != nil {
			return nil, err
		}
		return encodeEntity(nil, &e), nil
	}
	r, err := decodeRelationship(k, v)
	if err != nil {
		return nil, err
	}
	return encodeRelationship(nil, &r), nil
}
