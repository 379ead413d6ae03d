package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	bolt "go.etcd.io/bbolt"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/storetest"
)

// toSchema1 rewrites a closed store's records as schema 1 wrote them
// (encoding/json of kg.Entity and kg.Relationship) and sets the version to
// 1; every is 1 for all records, 2 for every other one (a migration that
// stopped half-way).
func toSchema1(t *testing.T, dir string, every int) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketEntities, bucketRelationships} {
			b := tx.Bucket(name)
			var keys, vals [][]byte
			n := 0
			err := b.ForEach(func(k, v []byte) error {
				n++
				if n%every != 0 {
					return nil
				}
				var j []byte
				var err error
				if string(name) == string(bucketEntities) {
					e, derr := decodeEntity(k, v)
					if derr != nil {
						return derr
					}
					j, err = json.Marshal(&e)
				} else {
					r, derr := decodeRelationship(k, v)
					if derr != nil {
						return derr
					}
					j, err = json.Marshal(&r)
				}
				keys, vals = append(keys, append([]byte(nil), k...)), append(vals, j)
				return err
			})
			if err != nil {
				return err
			}
			for i := range keys {
				if err := b.Put(keys[i], vals[i]); err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bucketMeta).Put(keyVersion, []byte(schemaJSON))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// storedEncodings counts the records of each encoding and reads the version.
func storedEncodings(t *testing.T, s *Store) (jsonRecs, binary int, version string) {
	t.Helper()
	return encodings(t, s.db)
}

func encodings(t *testing.T, db *bolt.DB) (jsonRecs, binary int, version string) {
	t.Helper()
	err := db.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketEntities, bucketRelationships} {
			if err := tx.Bucket(name).ForEach(func(_, v []byte) error {
				if v[0] == '{' {
					jsonRecs++
				} else {
					binary++
				}
				return nil
			}); err != nil {
				return err
			}
		}
		version = string(tx.Bucket(bucketMeta).Get(keyVersion))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return jsonRecs, binary, version
}

// TestMigrateSchema1 opens data directories written by schema 1 (JSON
// records), whole and half-migrated, and checks that Open rewrites every
// record in the binary encoding, sets version 2, and reads back exactly
// what was stored.
func TestMigrateSchema1(t *testing.T) {
	for _, every := range []int{1, 2} {
		t.Run(fmt.Sprintf("every %d", every), func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			s := open(t, dir)
			if err := s.Apply(ctx, storetest.Fixture()); err != nil {
				t.Fatal(err)
			}
			before, beforeSearch := dump(t, s), searchIDs(t, s, "meng")
			s.Close()
			toSchema1(t, dir, every)

			s = open(t, dir)
			defer s.Close()
			if j, b, v := storedEncodings(t, s); j != 0 || b == 0 || v != schemaVersion {
				t.Fatalf("after migration: %d JSON and %d binary records, version %q", j, b, v)
			}
			if d := cmp.Diff(before, dump(t, s), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("migrated store differs (-before +after):\n%s", d)
			}
			if d := cmp.Diff(beforeSearch, searchIDs(t, s, "meng")); d != "" {
				t.Errorf("search differs after migration (-before +after):\n%s", d)
			}
			if err := s.verify(); err != nil {
				t.Error(err)
			}
		})
	}
}

// countdown is a context that is done after its Err has been asked n
// times: it cancels an Open at a known point of its work, without timing.
type countdown struct {
	context.Context
	n atomic.Int64
}

func newCountdown(n int64) *countdown {
	c := &countdown{Context: context.Background()}
	c.n.Store(n)
	return c
}

func (c *countdown) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// bigStore writes a store large enough that loading it checks its context
// many times.
func bigStore(t *testing.T, dir string, ents, rels int) {
	t.Helper()
	s := open(t, dir)
	defer s.Close()
	var b kg.Batch
	for i := range ents {
		b.Entities = append(b.Entities, kg.Entity{ID: fmt.Sprintf("e-%06d", i), Kind: kg.Person, Name: fmt.Sprintf("Person %d", i)})
	}
	for i := range rels {
		b.Relationships = append(b.Relationships, kg.Relationship{ID: fmt.Sprintf("r-%06d", i), Type: kg.SpokespersonFor,
			From: fmt.Sprintf("e-%06d", i%ents), To: fmt.Sprintf("e-%06d", (i*7+1)%ents)})
	}
	if err := s.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

// TestOpenHonoursCancellation cancels Opens part-way through loading the
// graph and through migrating it: each stops with an unavailable error
// wrapping context.Canceled, releases the directory, and a later Open
// finds everything.
func TestOpenHonoursCancellation(t *testing.T) {
	dir := t.TempDir()
	const ents, rels = 3 * checkEvery, 6 * checkEvery
	bigStore(t, dir, ents, rels)

	check := func(t *testing.T, err error, c *countdown) {
		t.Helper()
		if kg.KindOf(err) != kg.KindUnavailable || !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled Open = %v, want an unavailable error wrapping context.Canceled", err)
		}
		if c.n.Load() >= 0 {
			t.Fatalf("Open returned before it was cancelled")
		}
	}
	t.Run("load", func(t *testing.T) {
		// Past the first look and into the relationships: Open has read
		// every entity and some relationships when it stops.
		for _, n := range []int64{1, 3, 5} {
			c := newCountdown(n)
			s, err := OpenContext(c, dir, Options{NoSync: true})
			if err == nil {
				s.Close()
			}
			check(t, err, c)
		}
	})
	t.Run("migration", func(t *testing.T) {
		toSchema1(t, dir, 1)
		// The entities' chunk commits, then it stops.
		c := newCountdown(2)
		_, err := OpenContext(c, dir, Options{NoSync: true})
		check(t, err, c)
		db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		j, b, v := encodings(t, db)
		db.Close()
		if j == 0 || b == 0 || v != schemaJSON {
			t.Fatalf("after a cancelled migration: %d JSON and %d binary records, version %q; want some of each, version 1", j, b, v)
		}
	})
	s := open(t, dir)
	defer s.Close()
	if got, err := s.Counts(context.Background()); err != nil || got.Entities != ents || got.Relationships != rels {
		t.Fatalf("after cancelled Opens: %+v, %v; want %d entities and %d relationships", got, err, ents, rels)
	}
	if j, _, v := storedEncodings(t, s); j != 0 || v != schemaVersion {
		t.Errorf("after the resumed migration: %d JSON records, version %q", j, v)
	}
	if err := s.verify(); err != nil {
		t.Error(err)
	}
}

// TestApplyHonoursCancellation cancels a large write part-way through
// storing it: the write fails as unavailable, and neither storage nor
// memory holds any of it.
func TestApplyHonoursCancellation(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	var b kg.Batch
	for i := range 3 * checkEvery {
		b.Entities = append(b.Entities, kg.Entity{ID: fmt.Sprintf("e-%06d", i), Kind: kg.Person, Name: fmt.Sprintf("Person %d", i)})
	}
	// Past the checks before and after deciding, into the write.
	c := newCountdown(3)
	err := s.Apply(c, b)
	if kg.KindOf(err) != kg.KindUnavailable || !errors.Is(err, context.Canceled) || c.n.Load() >= 0 {
		t.Fatalf("cancelled Apply = %v, want an unavailable error wrapping context.Canceled", err)
	}
	if got, err := s.Counts(context.Background()); err != nil || got.Entities != 0 {
		t.Fatalf("after a cancelled Apply: %+v, %v; want nothing stored", got, err)
	}
	if err := s.verify(); err != nil {
		t.Fatal(err)
	}
}
