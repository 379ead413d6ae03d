package neo4j

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Config says how to reach Neo4j.
type Config struct {
	// URI is the server or cluster address: neo4j://host:7687 (routing, for
	// clusters and Aura), bolt://host:7687 (one server), with +s or +ssc for
	// TLS.
	URI      string
	User     string
	Password string // secret: never logged or put in an error
	Database string // "" for the server's default database

	// ConnectTimeout bounds how long Open keeps retrying an unreachable
	// server before giving up (default 30s).
	ConnectTimeout time.Duration
	// QueryTimeout is the deadline of a call whose context has none, and the
	// server-side transaction timeout (default 30s).
	QueryTimeout time.Duration
}

// Schemes lists the URI schemes a Neo4j store is opened with.
var Schemes = []string{"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"}

// IsURI reports whether s names a Neo4j server (by its scheme).
func IsURI(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	for _, sc := range Schemes {
		if strings.EqualFold(u.Scheme, sc) {
			return true
		}
	}
	return false
}

// ParseURI reads a store URI: neo4j://[user[:password]@]host[:port][/database].
// Credentials and the database move into the Config's fields, so that the
// URI given to the driver (and shown in messages) carries no secret.
func ParseURI(s string) (Config, error) {
	u, err := url.Parse(s)
	if err != nil {
		// url's error repeats the whole URI, password included: keep
		// only its reason.
		reason := err.Error()
		var uerr *url.Error
		if errors.As(err, &uerr) {
			reason = uerr.Err.Error()
		}
		return Config{}, fmt.Errorf("neo4j: %q is not a URI: %s", redact(s), reason)
	}
	if !IsURI(s) {
		return Config{}, fmt.Errorf("neo4j: %q: scheme %q is not one of %v", redact(s), u.Scheme, Schemes)
	}
	if u.Host == "" {
		return Config{}, fmt.Errorf("neo4j: %q has no host", redact(s))
	}
	var c Config
	if u.User != nil {
		c.User = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	c.Database = strings.Trim(u.Path, "/")
	if strings.Contains(c.Database, "/") {
		return Config{}, fmt.Errorf("neo4j: %q: the path names one database, not %q", redact(s), c.Database)
	}
	u.User, u.Path, u.RawPath = nil, "", ""
	c.URI = u.String()
	return c, nil
}

func (c Config) withDefaults() Config {
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = 30 * time.Second
	}
	if c.QueryTimeout <= 0 {
		c.QueryTimeout = 30 * time.Second
	}
	return c
}

// redact removes a password from a URI for messages. A URI that does not
// parse loses everything before its last '@' after the scheme.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if scheme, rest, ok := strings.Cut(s, "://"); ok {
			if at := strings.LastIndex(rest, "@"); at >= 0 {
				return scheme + "://xxxxx@" + rest[at+1:]
			}
		}
		return s
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// ConfigFromEnv parses uri and fills what it does not say from the
// environment: NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE (getenv is
// os.Getenv outside tests). Credentials in the URI win.
func ConfigFromEnv(uri string, getenv func(string) string) (Config, error) {
	c, err := ParseURI(uri)
	if err != nil {
		return Config{}, err
	}
	if c.User == "" && c.Password == "" {
		c.User, c.Password = getenv("NEO4J_USER"), getenv("NEO4J_PASSWORD")
	}
	if c.Database == "" {
		c.Database = getenv("NEO4J_DATABASE")
	}
	return c, nil
}
