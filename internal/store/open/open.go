// Package open opens a kg.Store from what a user types: a directory or a
// store URI. It is the one place that knows every backend, so commands and
// the server never import a store package themselves.
package open

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/embedded"
	neo4jstore "github.com/polgraph/polgraph/internal/store/neo4j"
)

// Open opens the store named by uri:
//
//   - a plain path, file://PATH or embedded://PATH: the embedded store in
//     that directory (created if missing);
//   - neo4j://, neo4j+s://, bolt:// ...: the Neo4j store.
func Open(ctx context.Context, uri string, logger *slog.Logger) (kg.Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if strings.TrimSpace(uri) == "" {
		return nil, kg.Invalidf("open", "store", "no store given: pass a data directory or a store URI")
	}
	scheme, rest, hasScheme := strings.Cut(uri, "://")
	if !hasScheme {
		return openEmbedded(ctx, uri, logger)
	}
	switch strings.ToLower(scheme) {
	case "file", "embedded":
		if rest == "" {
			return nil, kg.Invalidf("open", "store", "%q names no directory", uri)
		}
		return openEmbedded(ctx, rest, logger)
	}
	if neo4jstore.IsURI(uri) {
		return openNeo4j(ctx, uri, logger)
	}
	return nil, kg.Invalidf("open", "store", "%s: unknown store scheme %q (want a directory, file://, embedded://, neo4j:// or bolt://)", redact(uri), scheme)
}

// openNeo4j opens the Neo4j store; credentials not in the URI come from
// NEO4J_USER and NEO4J_PASSWORD (and the database from NEO4J_DATABASE).
func openNeo4j(ctx context.Context, uri string, logger *slog.Logger) (kg.Store, error) {
	cfg, err := neo4jstore.ConfigFromEnv(uri, os.Getenv)
	if err != nil {
		return nil, kg.Invalidf("open", "store", "%v", err)
	}
	logger.Info("connecting to neo4j", slog.String("uri", cfg.URI), slog.String("user", cfg.User))
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// openEmbedded loads the embedded store, giving up when ctx is done (a
// server told to stop while a large store loads).
func openEmbedded(ctx context.Context, dir string, logger *slog.Logger) (kg.Store, error) {
	s, err := embedded.OpenContext(ctx, dir, embedded.Options{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("open embedded store in %s: %w", dir, err)
	}
	return s, nil
}

// redact hides a password in a URI for messages and logs.
func redact(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "the store URI"
	}
	return u.Redacted()
}

// EmbeddedDir returns the directory of the embedded store uri names (as
// Open reads it), and false for any other store.
func EmbeddedDir(uri string) (string, bool) {
	scheme, rest, hasScheme := strings.Cut(uri, "://")
	if !hasScheme {
		return uri, strings.TrimSpace(uri) != ""
	}
	switch strings.ToLower(scheme) {
	case "file", "embedded":
		return rest, rest != ""
	}
	return "", false
}
