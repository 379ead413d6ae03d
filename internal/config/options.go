// Package config is polgraph's configuration: one Config struct and one
// table of options, each with its flag name, environment variable, default,
// validation and whether it is secret. Values come from the defaults, then
// the environment, then command-line flags, later ones winning.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is everything polgraph can be told.
type Config struct {
	Addr    string // serve: listen address
	DataDir string // embedded store directory; "" means the default
	Store   string // store URI; overrides DataDir when set
	APIKey  string // copy: the key sent to a server named by URL
	// The optional LLM extractor of articles (ingest --format article,
	// serve): an OpenAI-compatible endpoint, off unless LLMURL is set.
	LLMURL           string
	LLMModel         string
	LLMKey           string        // from the environment only (POLGRAPH_LLM_KEY)
	Demo             bool          // serve: load the demo dataset into an empty store
	LogLevel         slog.Level    // debug, info, warn, error
	LogFormat        string        // text or json
	ShutdownTimeout  time.Duration // serve: grace period for requests in flight
	MaxBodyBytes     int64         // serve: request body limit
	MaxComplexity    int           // serve: GraphQL complexity limit
	MaxDepth         int           // serve: GraphQL depth limit
	PersistedQueries bool          // serve: automatic persisted queries
	// Introspection is schema introspection (and so GraphiQL): nil means
	// auto, on when the server listens on loopback only.
	Introspection   *bool
	MaxTokens       int           // serve: tokens per GraphQL document
	MaxAliases      int           // serve: aliased fields per operation
	MaxSelections   int           // serve: fields per operation, fragments expanded
	MaxSearchWords  int           // words per search
	RequestTimeout  time.Duration // serve: execution deadline of one GraphQL query
	WriteTimeout    time.Duration // serve: execution deadline of one mutation
	ExportTimeout   time.Duration // serve: deadline of one export (/export, /audit)
	AllowedHosts    []string      // serve: Host values answered besides loopback ones
	AccessLogSample float64       // serve: share of ordinary requests logged
	// serve: whether queries need a reader key; nil: only beyond loopback.
	RequireAuthForReads *bool
	// serve: whether requests without a key may write; nil: on a loopback
	// bind while the store holds no active key, never beyond loopback.
	AllowAnonymousWrites *bool
}

// IntrospectionFor says whether introspection is on for a server bound to
// a loopback (or other) address: as told, or, on auto, only on loopback.
func (c *Config) IntrospectionFor(loopback bool) bool {
	if c.Introspection != nil {
		return *c.Introspection
	}
	return loopback
}

// Option is one row of the table.
type Option struct {
	Name    string // flag name, e.g. "addr"
	Env     string // environment variable, e.g. "POLGRAPH_ADDR"
	Default string // default, in the same syntax as a value
	Usage   string
	Secret  bool // never printed in full (may hold credentials)
	Bool    bool // a switch: "--demo" alone means true

	set func(c *Config, v string) error // parses and validates v into c
	get func(c *Config) string
}

// Options is the table of every option, in the order help lists them.
func Options() []Option {
	return []Option{
		{
			Name: "addr", Env: "POLGRAPH_ADDR", Default: "127.0.0.1:8080",
			Usage: "address to serve HTTP on (host:port); loopback unless you mean to expose it",
			set: func(c *Config, v string) error {
				if _, _, err := net.SplitHostPort(v); err != nil {
					return fmt.Errorf("%q is not host:port", v)
				}
				c.Addr = v
				return nil
			},
			get: func(c *Config) string { return c.Addr },
		},
		{
			Name: "data", Env: "POLGRAPH_DATA", Default: "",
			Usage: "directory of the embedded store (default $XDG_DATA_HOME/polgraph or ~/.local/share/polgraph)",
			set:   func(c *Config, v string) error { c.DataDir = v; return nil },
			get:   func(c *Config) string { return c.DataDir },
		},
		{
			Name: "store", Env: "POLGRAPH_STORE", Default: "", Secret: true,
			Usage: "store URI (a directory, file://DIR, embedded://DIR, neo4j://HOST:7687); overrides --data",
			set:   func(c *Config, v string) error { c.Store = v; return nil },
			get:   func(c *Config) string { return c.Store },
		},
		{
			Name: "api-key", Env: "POLGRAPH_API_KEY", Default: "", Secret: true,
			Usage: "the API key sent to a server named by its URL (copy --to http://HOST:PORT needs an admin key); prefer the environment variable to the flag, which other users can see",
			set:   func(c *Config, v string) error { c.APIKey = v; return nil },
			get:   func(c *Config) string { return c.APIKey },
		},
		{
			Name: "llm-url", Env: "POLGRAPH_LLM_URL", Default: "",
			Usage: "read articles with the chat model behind this OpenAI-compatible endpoint (https://host/v1) instead of the rules; needs --llm-model and POLGRAPH_LLM_KEY",
			set: func(c *Config, v string) error {
				u, err := url.Parse(v)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return fmt.Errorf("%q is not an http(s) URL", v)
				}
				c.LLMURL = v
				return nil
			},
			get: func(c *Config) string { return c.LLMURL },
		},
		{
			Name: "llm-model", Env: "POLGRAPH_LLM_MODEL", Default: "",
			Usage: "the model --llm-url serves",
			set:   func(c *Config, v string) error { c.LLMModel = v; return nil },
			get:   func(c *Config) string { return c.LLMModel },
		},
		{
			Name: "llm-key", Env: "POLGRAPH_LLM_KEY", Default: "", Secret: true,
			Usage: "the API key sent to --llm-url (set it in the environment: no command takes it as a flag)",
			set:   func(c *Config, v string) error { c.LLMKey = v; return nil },
			get:   func(c *Config) string { return c.LLMKey },
		},
		{
			Name: "demo", Env: "POLGRAPH_DEMO", Default: "false", Bool: true,
			Usage: "load the demo dataset when the store is empty",
			set:   boolSetter(func(c *Config) *bool { return &c.Demo }),
			get:   func(c *Config) string { return strconv.FormatBool(c.Demo) },
		},
		{
			Name: "log-level", Env: "POLGRAPH_LOG_LEVEL", Default: "info",
			Usage: "log level: debug, info, warn or error",
			set: func(c *Config, v string) error {
				var l slog.Level
				if err := l.UnmarshalText([]byte(v)); err != nil {
					return fmt.Errorf("%q is not a log level (debug, info, warn, error)", v)
				}
				c.LogLevel = l
				return nil
			},
			get: func(c *Config) string { return strings.ToLower(c.LogLevel.String()) },
		},
		{
			Name: "log-format", Env: "POLGRAPH_LOG_FORMAT", Default: "text",
			Usage: "log format: text or json",
			set: func(c *Config, v string) error {
				if v != "text" && v != "json" {
					return fmt.Errorf("%q is not a log format (text, json)", v)
				}
				c.LogFormat = v
				return nil
			},
			get: func(c *Config) string { return c.LogFormat },
		},
		{
			Name: "shutdown-timeout", Env: "POLGRAPH_SHUTDOWN_TIMEOUT", Default: "10s",
			Usage: "how long a shutdown waits for requests in flight",
			set: func(c *Config, v string) error {
				d, err := time.ParseDuration(v)
				if err != nil || d <= 0 {
					return fmt.Errorf("%q is not a positive duration (e.g. 10s)", v)
				}
				c.ShutdownTimeout = d
				return nil
			},
			get: func(c *Config) string { return c.ShutdownTimeout.String() },
		},
		{
			Name: "max-body-bytes", Env: "POLGRAPH_MAX_BODY_BYTES", Default: "8388608",
			Usage: "largest request body accepted",
			set: func(c *Config, v string) error {
				n, err := positive(v)
				c.MaxBodyBytes = int64(n)
				return err
			},
			get: func(c *Config) string { return strconv.FormatInt(c.MaxBodyBytes, 10) },
		},
		{
			Name: "max-complexity", Env: "POLGRAPH_MAX_COMPLEXITY", Default: "250000",
			Usage: "GraphQL query complexity limit (every field counts; list fields cost their page size times their selection, search words 2500 each; COMPLEXITY_LIMIT_EXCEEDED)",
			set: func(c *Config, v string) error {
				n, err := positive(v)
				c.MaxComplexity = n
				return err
			},
			get: func(c *Config) string { return strconv.Itoa(c.MaxComplexity) },
		},
		{
			Name: "max-depth", Env: "POLGRAPH_MAX_DEPTH", Default: "15",
			Usage: "GraphQL query depth limit (nested fields, __typename and introspection included; DEPTH_LIMIT_EXCEEDED)",
			set: func(c *Config, v string) error {
				n, err := positive(v)
				c.MaxDepth = n
				return err
			},
			get: func(c *Config) string { return strconv.Itoa(c.MaxDepth) },
		},
		{
			Name: "persisted-queries", Env: "POLGRAPH_PERSISTED_QUERIES", Default: "false", Bool: true,
			Usage: "accept automatic persisted queries (APQ)",
			set:   boolSetter(func(c *Config) *bool { return &c.PersistedQueries }),
			get:   func(c *Config) string { return strconv.FormatBool(c.PersistedQueries) },
		},
		{
			Name: "introspection", Env: "POLGRAPH_INTROSPECTION", Default: "auto", Bool: true,
			Usage: "allow schema introspection (GraphiQL needs it): true, false, or auto (on only when listening on loopback)",
			set: func(c *Config, v string) error {
				if v == "auto" {
					c.Introspection = nil
					return nil
				}
				b, err := strconv.ParseBool(v)
				if err != nil {
					return fmt.Errorf("%q is not true, false or auto", v)
				}
				c.Introspection = &b
				return nil
			},
			get: func(c *Config) string {
				if c.Introspection == nil {
					return "auto"
				}
				return strconv.FormatBool(*c.Introspection)
			},
		},
		{
			Name: "max-tokens", Env: "POLGRAPH_MAX_TOKENS", Default: "15000",
			Usage: "GraphQL document limit in tokens, checked before parsing (TOKEN_LIMIT_EXCEEDED)",
			set: func(c *Config, v string) error {
				n, err := positive(v)
				c.MaxTokens = n
				return err
			},
			get: func(c *Config) string { return strconv.Itoa(c.MaxTokens) },
		},
		{
			Name: "max-aliases", Env: "POLGRAPH_MAX_ALIASES", Default: "100",
			Usage: "aliased fields per GraphQL document, checked before parsing (ALIAS_LIMIT_EXCEEDED)",
			set: func(c *Config, v string) error {
				n, err := positive(v)
				c.MaxAliases = n
				return err
			},
			get: func(c *Config) string { return strconv.Itoa(c.MaxAliases) },
		},
		{
			Name: "max-selections", Env: "POLGRAPH_MAX_SELECTIONS", Default: "2000",
			Usage: "fields per GraphQL operation, fragments expanded, checked before parsing (SELECTION_LIMIT_EXCEEDED)",
			set: func(c *Config, v string) error {
				n, err := positive(v)
				c.MaxSelections = n
				return err
			},
			get: func(c *Config) string { return strconv.Itoa(c.MaxSelections) },
		},
		{
			Name: "max-search-words", Env: "POLGRAPH_MAX_SEARCH_WORDS", Default: "16",
			Usage: "words per search text (SEARCH_WORDS_LIMIT_EXCEEDED); each word also adds to the complexity",
			set: func(c *Config, v string) error {
				n, err := positive(v)
				c.MaxSearchWords = n
				return err
			},
			get: func(c *Config) string { return strconv.Itoa(c.MaxSearchWords) },
		},
		{
			Name: "request-timeout", Env: "POLGRAPH_REQUEST_TIMEOUT", Default: "5s",
			Usage: "how long one GraphQL query may run before it is stopped (TIMEOUT)",
			set: func(c *Config, v string) error {
				d, err := time.ParseDuration(v)
				if err != nil || d <= 0 {
					return fmt.Errorf("%q is not a positive duration (e.g. 5s)", v)
				}
				c.RequestTimeout = d
				return nil
			},
			get: func(c *Config) string { return c.RequestTimeout.String() },
		},
		{
			Name: "export-timeout", Env: "POLGRAPH_EXPORT_TIMEOUT", Default: "100s",
			Usage: "how long one export (/export, /audit) may run before it is stopped (keep it under two minutes, the server's write timeout)",
			set: func(c *Config, v string) error {
				d, err := time.ParseDuration(v)
				if err != nil || d <= 0 {
					return fmt.Errorf("%q is not a positive duration (e.g. 100s)", v)
				}
				c.ExportTimeout = d
				return nil
			},
			get: func(c *Config) string { return c.ExportTimeout.String() },
		},
		{
			Name: "write-timeout", Env: "POLGRAPH_WRITE_TIMEOUT", Default: "60s",
			Usage: "how long one mutation (a dossier ingest, say) may run before it is stopped and rolled back (TIMEOUT)",
			set: func(c *Config, v string) error {
				d, err := time.ParseDuration(v)
				if err != nil || d <= 0 {
					return fmt.Errorf("%q is not a positive duration (e.g. 60s)", v)
				}
				c.WriteTimeout = d
				return nil
			},
			get: func(c *Config) string { return c.WriteTimeout.String() },
		},
		{
			Name: "allowed-hosts", Env: "POLGRAPH_ALLOWED_HOSTS", Default: "",
			Usage: "comma-separated Host names the server answers besides loopback ones (\".example.org\" for subdomains); when set on a non-loopback bind, the only ones",
			set: func(c *Config, v string) error {
				c.AllowedHosts = nil
				for h := range strings.SplitSeq(v, ",") {
					h = strings.TrimSpace(h)
					if h == "" {
						continue
					}
					if strings.ContainsAny(h, "/ @") {
						return fmt.Errorf("%q is not a host name", h)
					}
					c.AllowedHosts = append(c.AllowedHosts, h)
				}
				return nil
			},
			get: func(c *Config) string { return strings.Join(c.AllowedHosts, ",") },
		},
		{
			Name: "access-log-sample", Env: "POLGRAPH_ACCESS_LOG_SAMPLE", Default: "0.01",
			Usage: "share of ordinary requests logged at info (0.01: one in a hundred; 0: none); errors and slow requests are always logged",
			set: func(c *Config, v string) error {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil || f < 0 || f > 1 {
					return fmt.Errorf("%q is not a share between 0 and 1", v)
				}
				c.AccessLogSample = f
				return nil
			},
			get: func(c *Config) string { return strconv.FormatFloat(c.AccessLogSample, 'g', -1, 64) },
		},
		{
			Name: "require-auth-for-reads", Env: "POLGRAPH_REQUIRE_AUTH_FOR_READS", Default: "auto", Bool: true,
			Usage: "queries and exports need an API key with the reader role (auto: only when bound beyond loopback)",
			set:   autoBoolSetter(func(c *Config) **bool { return &c.RequireAuthForReads }),
			get:   func(c *Config) string { return autoBool(c.RequireAuthForReads) },
		},
		{
			Name: "allow-anonymous-writes", Env: "POLGRAPH_ALLOW_ANONYMOUS_WRITES", Default: "auto", Bool: true,
			Usage: "let requests without an API key write (auto: on a loopback bind while no key exists; never beyond loopback)",
			set:   autoBoolSetter(func(c *Config) **bool { return &c.AllowAnonymousWrites }),
			get:   func(c *Config) string { return autoBool(c.AllowAnonymousWrites) },
		},
	}
}

// autoBoolSetter parses a switch that may also be "auto" (nil): the
// program then decides from the circumstances.
func autoBoolSetter(field func(*Config) **bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		if v == "" || strings.EqualFold(v, "auto") {
			*field(c) = nil
			return nil
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not a boolean (true, false, 1, 0) or auto", v)
		}
		*field(c) = &b
		return nil
	}
}

func autoBool(b *bool) string {
	if b == nil {
		return "auto"
	}
	return strconv.FormatBool(*b)
}

func boolSetter(field func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not a boolean (true, false, 1, 0)", v)
		}
		*field(c) = b
		return nil
	}
}

func positive(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive integer", v)
	}
	return n, nil
}

// Lookup returns the option with the given flag name.
func Lookup(name string) (Option, bool) {
	for _, o := range Options() {
		if o.Name == name {
			return o, true
		}
	}
	return Option{}, false
}

// Defaults returns a Config holding every option's default.
func Defaults() *Config {
	c := &Config{}
	for _, o := range Options() {
		if err := o.set(c, o.Default); err != nil && o.Default != "" {
			panic(fmt.Sprintf("config: default of %s: %v", o.Name, err)) // a bug in the table
		}
	}
	return c
}

// Set parses and validates a value for the option named name.
func (c *Config) Set(name, value string) error {
	o, ok := Lookup(name)
	if !ok {
		return fmt.Errorf("unknown option %q", name)
	}
	return o.set(c, value)
}

// Get returns the option's current value; secrets are redacted.
func (c *Config) Get(name string) string {
	o, ok := Lookup(name)
	if !ok {
		return ""
	}
	v := o.get(c)
	if o.Secret && v != "" {
		return redact(v)
	}
	return v
}

// FromEnv applies every option set in the environment (lookup is
// os.LookupEnv, or a map in tests); a variable set to "" counts as unset.
// An invalid value is an error naming the variable.
func (c *Config) FromEnv(lookup func(string) (string, bool)) error {
	for _, o := range Options() {
		v, ok := lookup(o.Env)
		if !ok || v == "" {
			continue
		}
		if err := o.set(c, v); err != nil {
			return fmt.Errorf("environment variable %s: %w", o.Env, err)
		}
	}
	return nil
}

// Attrs describes the config for the log at start, secrets redacted.
func (c *Config) Attrs() []slog.Attr {
	var out []slog.Attr
	for _, o := range Options() {
		out = append(out, slog.String(o.Name, c.Get(o.Name)))
	}
	return out
}

// redact keeps a URI's scheme and host but hides its user info, and hides
// anything else entirely.
func redact(v string) string {
	if scheme, rest, ok := strings.Cut(v, "://"); ok {
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			rest = "***@" + rest[at+1:]
		}
		return scheme + "://" + rest
	}
	if strings.ContainsAny(v, "/\\.") { // a path is not a secret
		return v
	}
	return "***"
}
