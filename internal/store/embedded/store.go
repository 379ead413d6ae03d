// Package embedded is polgraph's default store: a single bbolt file in a
// data directory, needing no server, with the whole graph also held in
// memory.
//
// bbolt is the source of truth and gives atomic, crash-safe batches (a
// killed process leaves the last committed transaction). The in-memory
// indexes (entities, adjacency lists, search tokens, identifiers, evidence by
// article) are rebuilt from it at Open and updated only after a write has
// committed, so readers never see a write that storage does not hold.
// Network expansion and path finding walk the in-memory adjacency lists and
// never touch storage.
package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/polgraph/polgraph/internal/kg"
)

// FileName is the database file inside the data directory.
const FileName = "polgraph.db"

// schemaVersion is written into the meta bucket; Open refuses other versions
// rather than misread them.
const schemaVersion = "1"

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

	allBuckets = [][]byte{bucketEntities, bucketRelationships, bucketMeta,
		bucketKeys, bucketKeyHashes, bucketAudit, bucketAuditSubject, bucketAuditActor}
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

// Open opens (creating if needed) the store in dir and loads it into memory.
// A directory held open by another process is a KindUnavailable error.
func Open(dir string, opts Options) (*Store, error) {
	const op = "open"
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, kg.Unavailable(op, fmt.Errorf("create data directory: %w", err))
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      lockTimeout,
		NoSync:       opts.NoSync,
		FreelistType: bolt.FreelistMapType,
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, kg.Unavailable(op, fmt.Errorf("data directory %s is in use by another polgraph process", dir))
	}
	if err != nil {
		return nil, kg.Unavailable(op, fmt.Errorf("open %s: %w", path, err))
	}
	s := &Store{db: db, log: log}
	start := time.Now()
	if err := s.load(); err != nil {
		db.Close()
		return nil, err
	}
	log.Info("store opened", "path", path, "entities", len(s.g.ents), "relationships", len(s.g.rels), "took", time.Since(start))
	return s, nil
}

// load creates the buckets if needed and builds the in-memory graph from
// what storage holds.
func (s *Store) load() error {
	const op = "open"
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get(keyVersion); {
		case v == nil:
			return meta.Put(keyVersion, []byte(schemaVersion))
		case string(v) != schemaVersion:
			return fmt.Errorf("data was written by an incompatible version (schema %q, want %q)", v, schemaVersion)
		}
		return nil
	})
	if err != nil {
		return kg.Internal(op, err)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		g, err := readGraph(tx)
		if err != nil {
			return err
		}
		s.g = g
		s.lastAudit = lastAuditTime(tx)
		return nil
	})
	if err != nil {
		return kg.Internal(op, err)
	}
	return nil
}

// readGraph builds the in-memory graph from what storage holds.
func readGraph(tx *bolt.Tx) (*graph, error) {
	var st staged
	err := tx.Bucket(bucketEntities).ForEach(func(k, v []byte) error {
		var e kg.Entity
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("entity %q: %w", k, err)
		}
		st.ents = append(st.ents, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.Bucket(bucketRelationships).ForEach(func(k, v []byte) error {
		var r kg.Relationship
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("relationship %q: %w", k, err)
		}
		st.rels = append(st.rels, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	g := newGraph()
	if err := g.apply(&st); err != nil {
		return nil, err
	}
	return g, nil
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

	// Only writers change g, and writers hold writeMu: reading g here
	// without mu is safe.
	st, err := s.g.stage(&b)
	if err != nil {
		return err
	}
	if err := ctxErr(ctx, op); err != nil {
		return err
	}
	removes := len(st.removeEnts)+len(st.removeRels) > 0
	var fresh *graph
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
		// Keys in order make bbolt's page splits sequential.
		for _, e := range st.ents {
			v, err := json.Marshal(&e)
			if err != nil {
				return err
			}
			if err := eb.Put([]byte(e.ID), v); err != nil {
				return err
			}
		}
		for _, r := range st.rels {
			v, err := json.Marshal(&r)
			if err != nil {
				return err
			}
			if err := rb.Put([]byte(r.ID), v); err != nil {
				return err
			}
		}
		if st.record != nil {
			if err := s.putAudit(tx, st.record); err != nil {
				return err
			}
		}
		if removes {
			// Memory cannot forget an entity or relationship in place: it
			// is rebuilt from what this transaction leaves in storage.
			var err error
			if fresh, err = readGraph(tx); err != nil {
				return fmt.Errorf("rebuild memory: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return kg.Internal(op, fmt.Errorf("write batch: %w", err))
	}
	if b.Decided != nil {
		defer b.Decided(st.decision)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if fresh != nil {
		s.g = fresh
		return nil
	}
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
