package neo4j

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/polgraph/polgraph/internal/kg"
)

// Store is a kg.Store on a Neo4j 5 server or cluster.
type Store struct {
	driver    neo4j.DriverWithContext
	bookmarks neo4j.BookmarkManager
	cfg       Config
}

var _ kg.Store = (*Store)(nil)

// Open connects to Neo4j, waiting for it (with backoff, up to
// cfg.ConnectTimeout) when it is not reachable yet, and runs the migrations.
// An authentication failure is reported at once, without retrying.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg = cfg.withDefaults()
	auth := neo4j.NoAuth()
	if cfg.User != "" || cfg.Password != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *neo4j.Config) {
		c.MaxTransactionRetryTime = cfg.QueryTimeout
		c.SocketConnectTimeout = 5 * time.Second
		c.ConnectionAcquisitionTimeout = cfg.QueryTimeout
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j %s: %w", redact(cfg.URI), err)
	}
	s := &Store{
		driver:    driver,
		bookmarks: neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{}),
		cfg:       cfg,
	}
	if err := s.connect(ctx); err != nil {
		_ = driver.Close(context.Background())
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		_ = driver.Close(context.Background())
		return nil, err
	}
	return s, nil
}

// connect verifies connectivity, retrying with exponential backoff while the
// failure is one that waiting can cure.
func (s *Store) connect(ctx context.Context) error {
	deadline := time.Now().Add(s.cfg.ConnectTimeout)
	wait := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := s.driver.VerifyConnectivity(actx)
		cancel()
		if err == nil {
			return nil
		}
		if isAuthError(err) {
			return fmt.Errorf("neo4j %s: authentication failed for user %q (check NEO4J_USER / NEO4J_PASSWORD): %w", s.cfg.URI, s.cfg.User, err)
		}
		if ctx.Err() != nil || time.Now().Add(wait).After(deadline) {
			return kg.Unavailable("open", fmt.Errorf("neo4j %s: not reachable after %d attempts in %s: %w", s.cfg.URI, attempt, s.cfg.ConnectTimeout, err))
		}
		select {
		case <-ctx.Done():
			return kg.Unavailable("open", fmt.Errorf("neo4j %s: %w (last error: %v)", s.cfg.URI, ctx.Err(), err))
		case <-time.After(wait):
		}
		wait = min(wait*2, 5*time.Second)
	}
}

// Migrate creates the constraints and indexes the store relies on, when
// missing, and waits for them to come online. Running it again changes
// nothing.
func (s *Store) Migrate(ctx context.Context) error {
	const op = "migrate"
	ctx, cancel := s.deadline(ctx, 5*time.Minute)
	defer cancel()
	// Schema statements cannot share a transaction with each other's
	// indexes coming online, so each runs in its own.
	for _, name := range migrations {
		_, err := writeTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (struct{}, error) {
			_, err := run(ctx, tx, name, nil)
			return struct{}{}, err
		})
		if err != nil {
			return err
		}
	}
	if err := s.backfillSearchText(ctx, op); err != nil {
		return err
	}
	_, err := readTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, stAwaitIndexes, map[string]any{"seconds": int64(300)})
		return struct{}{}, err
	})
	return err
}

// backfillSearchText gives entities written by an earlier version the
// search_text the full-text index reads, in batches.
func (s *Store) backfillSearchText(ctx context.Context, op string) error {
	for {
		n, err := writeTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (int, error) {
			recs, err := run(ctx, tx, stUnsearchable, map[string]any{"limit": int64(10000)})
			if err != nil || len(recs) == 0 {
				return 0, err
			}
			rows := make([]any, 0, len(recs))
			for _, rec := range recs {
				n, _, err := neo4j.GetRecordValue[neo4j.Node](rec, "e")
				if err != nil {
					return 0, err
				}
				e, err := entityFromNode(n)
				if err != nil {
					return 0, err
				}
				rows = append(rows, map[string]any{"id": e.ID, "text": kg.SearchText(&e)})
			}
			_, err = run(ctx, tx, stSetSearchText, map[string]any{"rows": rows})
			return len(rows), err
		})
		if err != nil || n == 0 {
			return err
		}
	}
}

// Close releases the driver.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.driver.Close(ctx)
}

// DeleteAll removes every node and relationship from the database. It is
// for tests, which each start from an empty database.
func (s *Store) DeleteAll(ctx context.Context) error {
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	// In batches: one transaction deleting a large graph would exceed the
	// server's transaction memory.
	for {
		n, err := writeTx(s, ctx, "deleteAll", func(tx neo4j.ManagedTransaction) (int64, error) {
			recs, err := run(ctx, tx, stDeleteAll, map[string]any{"batch": int64(10000)})
			if err != nil || len(recs) == 0 {
				return 0, err
			}
			return recordInt(recs[0], "n")
		})
		if err != nil || n == 0 {
			return err
		}
	}
}

// deadline gives ctx the store's query timeout unless it already has a
// deadline (d overrides the default when positive).
func (s *Store) deadline(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	if d <= 0 {
		d = s.cfg.QueryTimeout
	}
	return context.WithTimeout(ctx, d)
}

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:      mode,
		DatabaseName:    s.cfg.Database,
		BookmarkManager: s.bookmarks,
	})
}

func (s *Store) txTimeout(ctx context.Context) func(*neo4j.TransactionConfig) {
	d := s.cfg.QueryTimeout
	if dl, ok := ctx.Deadline(); ok {
		d = time.Until(dl)
	}
	if d < time.Second {
		d = time.Second
	}
	return neo4j.WithTxTimeout(d)
}

// read runs fn in a read transaction, routed to a reader, after the writes
// this store has made (bookmarks). fn may be run more than once.
func readTx[T any](s *Store, ctx context.Context, op string, fn func(neo4j.ManagedTransaction) (T, error)) (T, error) {
	if err := ctx.Err(); err != nil {
		return *new(T), mapError(op, err)
	}
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	v, err := neo4j.ExecuteRead(ctx, sess, neo4j.ManagedTransactionWorkT[T](fn), s.txTimeout(ctx))
	if err != nil {
		return v, mapError(op, ctxCause(ctx, err))
	}
	return v, nil
}

// write runs fn in a write transaction. The driver retries fn on transient
// failures, so fn must be idempotent: it reads what it needs inside the
// transaction and writes only through MERGE or delete-then-create.
func writeTx[T any](s *Store, ctx context.Context, op string, fn func(neo4j.ManagedTransaction) (T, error)) (T, error) {
	if err := ctx.Err(); err != nil {
		return *new(T), mapError(op, err)
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	v, err := neo4j.ExecuteWrite(ctx, sess, neo4j.ManagedTransactionWorkT[T](fn), s.txTimeout(ctx))
	if err != nil {
		return v, mapError(op, ctxCause(ctx, err))
	}
	return v, nil
}

// runner is what run sends statements through: a managed transaction, or
// the explicit read transaction of a Snapshot.
type runner interface {
	Run(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error)
}

// run sends the registered statement name with params, and collects its
// records. It is the only function of the package that sends Cypher: it
// takes a name, never text, and the parameters must be exactly the ones the
// statement declares.
func run(ctx context.Context, tx runner, name string, params map[string]any) ([]*neo4j.Record, error) {
	st, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("neo4j: no statement %q in the registry", name)
	}
	if err := checkParams(st, params); err != nil {
		return nil, err
	}
	res, err := tx.Run(ctx, st.Text, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

func checkParams(st statement, params map[string]any) error {
	got := make([]string, 0, len(params))
	for k := range params {
		got = append(got, k)
	}
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(st.Params, ",") {
		return fmt.Errorf("neo4j: statement %s takes parameters %v, given %v", st.Name, st.Params, got)
	}
	return nil
}

// ctxCause prefers the context's error when the context ended: the driver
// reports a canceled call in its own error types, which do not always wrap
// the context's.
func ctxCause(ctx context.Context, err error) error {
	var kerr *kg.Error
	if errors.As(err, &kerr) {
		return err
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w (%v)", cerr, err)
	}
	return err
}

// mapError turns a driver error into a kg.Error of the right kind.
func mapError(op string, err error) error {
	var kerr *kg.Error
	if errors.As(err, &kerr) {
		return err // already classified, e.g. a missing end inside Apply
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return kg.Unavailable(op, fmt.Errorf("neo4j did not answer in time: %w", err))
	case errors.Is(err, context.Canceled):
		return kg.Unavailable(op, err) // as the embedded store: the caller may retry
	}
	var conn *neo4j.ConnectivityError
	if errors.As(err, &conn) {
		return kg.Unavailable(op, err)
	}
	var limit *neo4j.TransactionExecutionLimit
	if errors.As(err, &limit) {
		// Retries ran out: every attempt failed on something transient.
		return kg.Unavailable(op, err)
	}
	var nerr *neo4j.Neo4jError
	if errors.As(err, &nerr) {
		switch {
		case nerr.Classification() == "TransientError",
			strings.HasPrefix(nerr.Code, "Neo.ClientError.Cluster."),
			nerr.Code == "Neo.ClientError.Database.DatabaseNotFound",
			nerr.Code == "Neo.ClientError.General.DatabaseUnavailable":
			return kg.Unavailable(op, err)
		case nerr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
			return &kg.Error{Op: op, Kind: kg.KindConflict, Err: err}
		}
		return kg.Internal(op, err)
	}
	var auth *neo4j.InvalidAuthenticationError
	var expired *neo4j.TokenExpiredError
	if errors.As(err, &auth) || errors.As(err, &expired) {
		return kg.Unavailable(op, err)
	}
	return kg.Internal(op, err)
}

func isAuthError(err error) bool {
	var conn *neo4j.ConnectivityError
	if errors.As(err, &conn) && conn.Inner != nil && conn.Inner != err {
		// ConnectivityError does not unwrap: look inside it.
		return isAuthError(conn.Inner)
	}
	var nerr *neo4j.Neo4jError
	if errors.As(err, &nerr) && (nerr.IsAuthenticationFailed() || nerr.HasSecurityCode()) {
		return true
	}
	var auth *neo4j.InvalidAuthenticationError
	var expired *neo4j.TokenExpiredError
	return errors.As(err, &auth) || errors.As(err, &expired)
}
