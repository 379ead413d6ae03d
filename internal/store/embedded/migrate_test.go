package embedded

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
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
	rewriteRecords(t, dir, every, schemaJSON,
		func(e *kg.Entity) ([]byte, error) { return json.Marshal(e) },
		func(r *kg.Relationship) ([]byte, error) { return json.Marshal(r) })
}

// rewriteRecords rewrites every every-th record of a closed store with
// entity and rel and sets the version to version.
func rewriteRecords(t *testing.T, dir string, every int, version string,
	entity func(*kg.Entity) ([]byte, error), rel func(*kg.Relationship) ([]byte, error)) {
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
				var out []byte
				if string(name) == string(bucketEntities) {
					e, err := decodeEntity(k, v)
					if err != nil {
						return err
					}
					if out, err = entity(&e); err != nil {
						return err
					}
				} else {
					r, err := decodeRelationship(k, v)
					if err != nil {
						return err
					}
					if out, err = rel(&r); err != nil {
						return err
					}
				}
				keys, vals = append(keys, append([]byte(nil), k...)), append(vals, out)
				return nil
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
		return tx.Bucket(bucketMeta).Put(keyVersion, []byte(version))
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
// record in the binary encoding, sets the current version, and reads back exactly
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

// encodeEntityV2 and encodeRelationshipV2 write records as schema 2 did:
// the schema-3 layout without the provenance fields.
func encodeEntityV2(e *kg.Entity) []byte {
	w := recWriter{b: []byte{recEntityV2}}
	w.str(string(e.Kind))
	w.str(e.Name)
	w.uint(uint64(len(e.Aliases)))
	for _, a := range e.Aliases {
		w.str(a)
	}
	w.str(e.Description)
	w.uint(uint64(len(e.Identifiers)))
	for _, id := range e.Identifiers {
		w.str(id.Scheme)
		w.str(id.Value)
	}
	w.date(e.BirthDate)
	for _, s := range []string{string(e.Classification), e.CountryCode, e.Title, e.URL, e.Outlet} {
		w.str(s)
	}
	w.date(e.Published)
	for _, s := range []string{e.Text, e.Summary, string(e.Status)} {
		w.str(s)
	}
	w.date(e.Date)
	for _, s := range []string{e.EventType, e.Quote, e.Speaker} {
		w.str(s)
	}
	return w.b
}

func encodeRelationshipV2(r *kg.Relationship) []byte {
	w := recWriter{b: []byte{recRelationshipV2}}
	w.str(string(r.Type))
	w.str(r.From)
	w.str(r.To)
	w.str(r.Role)
	w.date(r.Since)
	w.date(r.Until)
	w.uint(uint64(len(r.Evidence)))
	for _, ev := range r.Evidence {
		w.str(ev.Article)
		w.str(ev.Quote)
		w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(ev.Confidence))
	}
	return w.b
}

// toSchema2 rewrites a closed store's records as schema 2 wrote them and
// sets the version to 2; every as for toSchema1.
func toSchema2(t *testing.T, dir string, every int) {
	t.Helper()
	rewriteRecords(t, dir, every, schemaBinary2,
		func(e *kg.Entity) ([]byte, error) { return encodeEntityV2(e), nil },
		func(r *kg.Relationship) ([]byte, error) { return encodeRelationshipV2(r), nil })
}

// currentEncodings counts the records in schema 3's encoding and the others.
func currentEncodings(t *testing.T, s *Store) (current, older int) {
	t.Helper()
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketEntities, bucketRelationships} {
			if err := tx.Bucket(name).ForEach(func(_, v []byte) error {
				if isCurrent(v) {
					current++
				} else {
					older++
				}
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return current, older
}

// TestMigrateSchema2 opens data directories written by schema 2 (binary
// records without provenance), whole and half-migrated: Open rewrites every
// record for schema 3, sets version 3, reads back exactly what was stored,
// and the migrated store takes dataset evidence.
func TestMigrateSchema2(t *testing.T) {
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
			toSchema2(t, dir, every)

			s = open(t, dir)
			defer s.Close()
			if cur, old := currentEncodings(t, s); old != 0 || cur == 0 {
				t.Fatalf("after migration: %d current and %d older records", cur, old)
			}
			if _, _, v := storedEncodings(t, s); v != schemaVersion {
				t.Fatalf("version %q after migration, want %q", v, schemaVersion)
			}
			if d := cmp.Diff(before, dump(t, s), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("migrated store differs (-before +after):\n%s", d)
			}
			if d := cmp.Diff(beforeSearch, searchIDs(t, s, "meng")); d != "" {
				t.Errorf("search differs after migration (-before +after):\n%s", d)
			}
			ds := kg.Entity{ID: "ds-1", Kind: kg.Dataset, Name: "A dataset"}
			ev := kg.Evidence{Dataset: "ds-1", Record: "r1", Confidence: 1}
			if err := s.Apply(ctx, kg.Batch{Entities: []kg.Entity{ds}, Evidence: []kg.EvidenceAdd{{Relationship: "r-dong-liberal", Evidence: ev}}}); err != nil {
				t.Fatal(err)
			}
			if err := s.verify(); err != nil {
				t.Error(err)
			}
		})
	}
}
