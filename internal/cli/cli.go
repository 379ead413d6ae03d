// Package cli is polgraph's command line as a library: Run parses the
// arguments, builds the one config and the one logger, and runs a command.
// Only cmd/polgraph decides the exit code.
//
// Commands are listed in one table (commands); a command in its own file is
// added with one line there.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/polgraph/polgraph/internal/config"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/embedded"
	"github.com/polgraph/polgraph/internal/store/open"
)

// Command is one subcommand.
type Command struct {
	Name    string
	Args    string // what follows the flags in usage, e.g. "FILE..."
	Summary string
	// Options are the config options (by flag name) the command takes as
	// flags; each also has its environment variable twin.
	Options []string
	// Flags adds command-specific flags that are not config options.
	Flags func(fs *flag.FlagSet)
	// Interspersed takes flags after the arguments too ("FILE --url U");
	// commands with subcommands leave it off, so that the subcommand parses
	// its own flags.
	Interspersed bool
	Run          func(ctx context.Context, env *Env, args []string) error
}

// commands is the command table, in the order help lists them.
func commands() []Command {
	return []Command{
		serveCommand(),
		ingestCommand(),
		duplicatesCommand(),
		exportCommand(),
		keysCommand(),
		auditCommand(),
		copyCommand(),
		migrateCommand(),
		benchCommand(),
		evalExtractCommand(),
		versionCommand(),
		helpCommand(),
	}
}

// Env is what a command runs with.
type Env struct {
	Config *config.Config
	Logger *slog.Logger
	Stdout io.Writer
	Stderr io.Writer
}

// ErrUsage marks a mistake in how polgraph was called; main exits 2 on it.
var ErrUsage = errors.New("usage error")

// Run runs polgraph with args (without the program name). Environment
// variables are read with os.LookupEnv.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return run(ctx, args, os.LookupEnv, stdout, stderr)
}

func run(ctx context.Context, args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printUsage(stderr)
		return fmt.Errorf("%w: no command given", ErrUsage)
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" {
		name = "help"
	}
	cmd, ok := find(name)
	if !ok {
		printUsage(stderr)
		return fmt.Errorf("%w: unknown command %q", ErrUsage, args[0])
	}

	cfg := config.Defaults()
	if err := cfg.FromEnv(lookupEnv); err != nil {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	fs := flag.NewFlagSet("polgraph "+cmd.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { commandUsage(stderr, cmd, fs) }
	for _, name := range cmd.Options {
		o, ok := config.Lookup(name)
		if !ok {
			panic("cli: command " + cmd.Name + " names unknown option " + name) // a bug in the table
		}
		usage := fmt.Sprintf("%s (env %s)", o.Usage, o.Env)
		set := func(v string) error { return cfg.Set(o.Name, v) }
		if o.Bool {
			fs.BoolFunc(o.Name, usage, func(v string) error { return set(v) })
		} else {
			fs.Func(o.Name, usage+defaultNote(o), set)
		}
	}
	if cmd.Flags != nil {
		cmd.Flags(fs)
	}
	parse := parseInterspersed
	if !cmd.Interspersed {
		parse = func(fs *flag.FlagSet, args []string) ([]string, error) {
			err := fs.Parse(args)
			return fs.Args(), err
		}
	}
	positional, err := parse(fs, args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	env := &Env{Config: cfg, Logger: NewLogger(cfg, stderr), Stdout: stdout, Stderr: stderr}
	return cmd.Run(ctx, env, positional)
}

// parseInterspersed parses flags before and after the arguments
// ("ingest --format article FILE --url U"), as the standard flag package
// stops at the first argument; after "--" everything is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func defaultNote(o config.Option) string {
	if o.Default == "" {
		return ""
	}
	return fmt.Sprintf(" (default %s)", o.Default)
}

func find(name string) (Command, bool) {
	for _, c := range commands() {
		if c.Name == name {
			return c, true
		}
	}
	return Command{}, false
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "polgraph: a knowledge graph of political actors, served over GraphQL.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: polgraph COMMAND [FLAGS] [ARGS]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "polgraph help COMMAND" for a command's flags. Every flag has an environment`)
	fmt.Fprintln(w, "variable twin (POLGRAPH_ADDR for --addr ...); flags win over the environment.")
}

func commandUsage(w io.Writer, c Command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: polgraph %s [FLAGS] %s\n\n%s\n\nFlags:\n", c.Name, c.Args, c.Summary)
	fs.PrintDefaults()
}

func helpCommand() Command {
	return Command{
		Name:    "help",
		Args:    "[COMMAND]",
		Summary: "show help for polgraph or a command",
		Run: func(ctx context.Context, env *Env, args []string) error {
			if len(args) == 0 {
				printUsage(env.Stdout)
				return nil
			}
			c, ok := find(args[0])
			if !ok {
				return fmt.Errorf("%w: unknown command %q", ErrUsage, args[0])
			}
			return run(ctx, []string{c.Name, "-h"}, func(string) (string, bool) { return "", false }, env.Stdout, env.Stdout)
		},
	}
}

// OpenService opens the configured store (--store, else --data, else the
// default directory) and wraps it in a kg.Service with the default limits.
// The caller closes the returned store.
func (env *Env) OpenService(ctx context.Context) (*kg.Service, kg.Store, error) {
	uri, err := env.storeURI()
	if err != nil {
		return nil, nil, err
	}
	store, err := open.Open(ctx, uri, env.Logger)
	if err != nil {
		return nil, nil, err
	}
	env.Logger.Debug("store open", slog.String("store", redactedStore(env.Config, uri)))
	limits := kg.DefaultLimits
	if env.Config.MaxSearchWords > 0 {
		limits.MaxSearchWords = env.Config.MaxSearchWords
	}
	return kg.NewService(store, limits), store, nil
}

// storeURI is the configured store: --store, else --data, else the default
// directory.
func (env *Env) storeURI() (string, error) {
	uri := env.Config.Store
	if uri == "" {
		uri = env.Config.DataDir
	}
	if uri == "" {
		dir, err := embedded.DefaultDir()
		if err != nil {
			return "", fmt.Errorf("no --data directory given and no default: %w", err)
		}
		uri = dir
	}
	return uri, nil
}

// embeddedDir is the configured embedded store's directory, if the store is
// an embedded one.
func (env *Env) embeddedDir() (string, bool) {
	uri, err := env.storeURI()
	if err != nil {
		return "", false
	}
	return open.EmbeddedDir(uri)
}

// asCLI is ctx acting as the command line: an admin, recorded as "cli" in
// the audit log. Whoever can run polgraph on a data directory can open its
// files anyway.
func asCLI(ctx context.Context) context.Context {
	return kg.WithPrincipal(ctx, kg.Principal{Name: kg.ActorCLI, Role: kg.RoleAdmin, Authenticated: true})
}

func redactedStore(c *config.Config, uri string) string {
	if c.Store != "" {
		return c.Get("store")
	}
	return uri
}

// closeStore closes a store, keeping the first error.
func closeStore(s kg.Store, err *error) {
	if cerr := s.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("close store: %w", cerr)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, strings.TrimSuffix(word, "s"))
}
