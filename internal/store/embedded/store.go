// Package embedded is polgraph's default store: a single bbolt file in a
// data directory, needing no server, with the whole graph also held in
// memory.
//
// bbolt is the source of truth and gives atomic, crash-safe batches (a
// killed process leaves the last committed transaction). The in-memory
// indexes (entities, adjacency lists, search tokens, identifiers, evidence by
// article) are built from it at Open and updated in place (removals too,
// remove.go) only after a write has committed, so readers never see a
// write that storage does not hold.
// Network expansion and path finding walk the in-memory adjacency lists and
// never touch storage.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/polgraph/polgraph/internal/kg"
)

// FileName is the database file inside the data directory.
const FileName = "polgraph.db"

// schemaVersion is written into the meta bucket; Open refuses other versions
// rather than misread them. Schema 2 stored records in a binary encoding
// (codec.go), schema 3 the same with provenance (dataset evidence, sources,
// attributes, the unsupported flag); schemas 1 (JSON) and 2 are migrated
// at Open (migrate.go).
const (
	schemaVersion = "3"
	schemaBinary2 = "2"
	schemaJSON    = "1"
)

var (
	bucketEntities      = []byte("entities")
	bucketRelationships = []byte("relationships")
	bucketMeta          = []byte("meta")
	keyVersion          = []byte("version")

	// API keys by name, and the name of each key by the hash of its secret.
	bucketKeys      = []byte("keys")
	bucketKeyHashes = []byte("key_hashes")
	// The audit log by record id, and its indexes: subject id NUL record
	// id, actor NUL record id (values empty).
	bucketAudit        = []byte("audit")
	bucketAuditSubject = []byte("audit_subject")
	bucketAuditActor   = []byte("audit_actor")
	// Duplicate candidate pairs by A NUL B (duplicates.go).
	bucketDuplicates = []byte("duplicates")

	allBuckets = [][]byte{bucketEntities, bucketRelationships, bucketMeta,
		bucketKeys, bucketKeyHashes, bucketAudit, bucketAuditSubject, bucketAuditActor, bucketDuplicates,
		bucketProposals, bucketProposalArticle}
)

// lockTimeout is how long Open waits for another process to release the
// data directory before giving up.
const lockTimeout = time.Second

// Options tune a store. The zero value is the production setting.
type Options struct {
	// Logger receives open/close and load figures; nil discards them.
	Logger *slog.Logger
	// NoSync skips fsync on commit. Only for benchmarks and throwaway
	// stores: a power failure may then lose or corrupt recent writes.
	NoSync bool
}

// Store is the embedded store. It is safe for concurrent use.
type Store struct {
	db  *bolt.DB
	log *slog.Logger

	// writeMu serialises writers, so that a writer may read g without mu
	// while it prepares a batch; mu guards g against readers while a
	// committed batch is folded into memory.
	writeMu sync.Mutex
	mu      sync.RWMutex
	g       *graph
	scratch sync.Pool // *scratch, for traversals

	// lastAudit is the time of the last audit record written (guarded by
	// writeMu), so that record ids grow strictly in commit order.
	lastAudit time.Time
}

var _ kg.Store = (*Store)(nil)

// DefaultDir is where the store lives unless told otherwise:
// $XDG_DATA_HOME/polgraph, or ~/.local/share/polgraph.
func DefaultDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "polgraph"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no data directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "polgraph"), nil
}

// minMmap is the least address space mapped for the database file.
const minMmap = 1 << 30

// Open opens (creating if needed) the store in dir and loads it into memory.
// A directory held open by another process is a KindUnavailable error.
func Open(dir string, opts Options) (*Store, error) {
	return OpenContext(context.Background(), dir, opts)
}

// OpenContext is Open that gives up when ctx is done, within moments even
// for a large store (loading checks ctx every few thousand records): the
// file is closed, nothing was written, and the error is KindUnavailable,
// wrapping ctx's error. A migration cut short this way resumes at the next
// Open.
func OpenContext(ctx context.Context, dir string, opts Options) (*Store, error) {
	const op = "open"
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := ctxErr(ctx, op); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, kg.Unavailable(op, fmt.Errorf("create data directory: %w", err))
	}
	path := filepath.Join(dir, FileName)
	// A write that must grow bbolt's memory map waits for every open read
	// transaction, and a whole-graph export (Snapshot) holds one as long
	// as its client downloads. Mapping ahead of the file (address space,
	// not memory) leaves room to grow without remapping.
	mmap := minMmap
	if fi, err := os.Stat(path); err == nil && 2*fi.Size() > int64(mmap) {
		mmap = int(2 * fi.Size())
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:         lockTimeout,
		NoSync:          opts.NoSync,
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: mmap,
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, kg.Unavailable(op, fmt.Errorf("data directory %s is in use by another polgraph process", dir))
	}
	if err != nil {
		return nil, kg.Unavailable(op, fmt.Errorf("open %s: %w", path, err))
	}
	s := &Store{db: db, log: log}
	start := time.Now()
	if err := s.load(ctx); err != nil {
		db.Close()
		return nil, err
	}
	loaded := time.Since(start)
	releaseMemory(db, path)
	log.Info("store opened", "path", path, "entities", len(s.g.entOrder), "relationships", len(s.g.relOrder),
		"took", time.Since(start), "loading", loaded)
	return s, nil
}

// releaseMemory gives back what loading used and no longer needs: the
// garbage of decoding, and the pages of the database file that reading
// every record mapped in (all reads are served from memory; bbolt maps
// pages in again when a write needs them). Without it a freshly opened
// store's resident size is its heap, plus as much garbage, plus its file.
func releaseMemory(db *bolt.DB, path string) {
	debug.FreeOSMemory()
	if fi, err := os.Stat(path); err == nil {
		dropMapped(db.Info().Data, fi.Size())
	}
}

// load creates the buckets if needed, brings an older schema up to date,
// and builds the in-memory graph from what storage holds.
func (s *Store) load(ctx context.Context) error {
	const op = "open"
	var version string
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get(keyVersion); {
		case v == nil:
			version = schemaVersion
			return meta.Put(keyVersion, []byte(schemaVersion))
		case string(v) == schemaVersion || string(v) == schemaBinary2 || string(v) == schemaJSON:
			version = string(v)
			return nil
		default:
			return fmt.Errorf("data was written by an incompatible version (schema %q, want %q)", v, schemaVersion)
		}
	})
	if err != nil {
		return kg.Internal(op, err)
	}
	if version != schemaVersion {
		if err := migrateRecords(ctx, s.db, s.log, version); err != nil {
			if ctx.Err() != nil {
				return kg.Unavailable(op, fmt.Errorf("migration to schema %s interrupted (it resumes at the next open): %w", schemaVersion, ctx.Err()))
			}
			return kg.Internal(op, fmt.Errorf("migrate to schema %s: %w", schemaVersion, err))
		}
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		g, err := build(ctx, tx)
		s.g = g
		s.lastAudit = lastAuditTime(tx)
		return err
	})
	if ctx.Err() != nil {
		return kg.Unavailable(op, ctx.Err())
	}
	if err != nil {
		return kg.Internal(op, err)
	}
	return nil
}

// Close releases the database file.
func (s *Store) Close() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.db.Close(); err != nil {
		return kg.Internal("close", err)
	}
	return nil
}

// Apply writes a batch in one bbolt transaction and then folds it into
// memory.
func (s *Store) Apply(ctx context.Context, b kg.Batch) error {
	const op = "apply"
	if err := ctxErr(ctx, op); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.checkNoKeys(ctx, op, b.Audit); err != nil {
		return err
	}

	// Only writers change g, and writers hold writeMu: reading g here
	// without mu is safe.
	props, err := s.storedProposals(ctx, &b)
	if err != nil {
		return err
	}
	st, err := s.g.stage(&b, props)
	if err != nil {
		return err
	}
	if err := ctxErr(ctx, op); err != nil {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		eb, rb := tx.Bucket(bucketEntities), tx.Bucket(bucketRelationships)
		for _, id := range st.removeRels {
			if err := rb.Delete([]byte(id)); err != nil {
				return err
			}
		}
		for _, id := range st.removeEnts {
			if err := eb.Delete([]byte(id)); err != nil {
				return err
			}
		}
		// bbolt keeps keys and values until the transaction ends: they
		// are appended to buffers that are never overwritten (a buffer
		// that grows moves, leaving what it held in place).
		var buf recBuf
		// A large batch looks at ctx as it goes: returning an error
		// rolls the transaction back, leaving storage and memory as
		// they were.
		n := 0
		stop := func() error {
			if n++; n%checkEvery == 0 {
				return ctx.Err()
			}
			return nil
		}
		// Keys in order make bbolt's page splits sequential.
		for i := range st.ents {
			e := &st.ents[i]
			if err := stop(); err != nil {
				return err
			}
			if err := eb.Put(buf.key(e.ID), buf.value(func(b []byte) []byte { return encodeEntity(b, e) })); err != nil {
				return err
			}
		}
		for i := range st.rels {
			r := &st.rels[i]
			if err := stop(); err != nil {
				return err
			}
			if err := rb.Put(buf.key(r.ID), buf.value(func(b []byte) []byte { return encodeRelationship(b, r) })); err != nil {
				return err
			}
		}
		if err := putProposals(tx, st.decision.Proposals); err != nil {
			return err
		}
		if err := deleteProposals(tx, st.decision.RemoveProposals); err != nil {
			return err
		}
		if st.record != nil {
			if err := s.putAudit(tx, st.record); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
	if cerr := ctx.Err(); cerr != nil && err != nil {
		return kg.Unavailable(op, cerr)
	}
	if err != nil {
		return kg.Internal(op, fmt.Errorf("write batch: %w", err))
	}
	if b.Decided != nil {
		defer b.Decided(st.decision)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.g.remove(st.removeEnts, st.removeRels) // remove.go
	if err := s.g.apply(st); err != nil {
		// Storage holds the batch but memory could not take it: a bug.
		// Memory is rebuilt from storage at the next Open.
		return kg.Internal(op, err)
	}
	return nil
}

func ctxErr(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return kg.Unavailable(op, err)
	}
	return nil
}

// recBuf holds the keys and values of one write transaction.
type recBuf struct{ b []byte }

func (r *recBuf) key(id string) []byte {
	if cap(r.b)-len(r.b) < len(id) {
		r.b = make([]byte, 0, max(64<<10, len(id)))
	}
	start := len(r.b)
	r.b = append(r.b, id...)
	return r.b[start:len(r.b):len(r.b)]
}

func (r *recBuf) value(enc func([]byte) []byte) []byte {
	if cap(r.b)-len(r.b) < 256 {
		r.b = make([]byte, 0, 64<<10)
	}
	start := len(r.b)
	r.b = enc(r.b)
	return r.b[start:len(r.b):len(r.b)]
}
