package export

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// CLIUsage is the synopsis of the export command.
const CLIUsage = "polgraph export [--format NAME] [--seed ID]... [--depth N] [--types T1,T2] [--as-of DATE] [--limit N] [-o FILE|DIR]"

// progressThreshold is how many items an export must hold before a
// progress bar is drawn.
const progressThreshold = 5000

// RunCLI runs "polgraph export" with args (after the command name). The
// format is --format, or else inferred from -o's extension; without -o the
// export goes to stdout. The csv format goes to a zip file (-o x.zip or
// stdout) or, when -o names a directory or has no extension, to
// nodes.csv and relationships.csv in that directory. A progress bar is
// drawn on stderr when stderr is a terminal and the export is large.
// Options the caller handles itself (--data) are accepted and ignored.
func RunCLI(ctx context.Context, svc *kg.Service, args []string, stdout, stderr io.Writer) error {
	const op = "export"
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: "+CLIUsage)
		fmt.Fprint(stderr, FormatHelp())
		fmt.Fprintln(stderr, "\noptions:")
		fs.PrintDefaults()
	}
	o := AddFlags(fs)
	fs.String("data", "", "data directory (handled by polgraph before this command runs)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return kg.Invalidf(op, "args", "%v", err)
	}
	if fs.NArg() > 0 {
		return kg.Invalidf(op, "args", "unexpected argument %q; usage: %s", fs.Arg(0), CLIUsage)
	}
	return RunOptions(ctx, svc, o, stdout, stderr)
}

// FormatHelp lists the formats for a command's help text.
func FormatHelp() string {
	var b strings.Builder
	b.WriteString("\nformats:\n")
	for _, f := range Formats {
		fmt.Fprintf(&b, "  %-10s %-10s %s\n", f.Name, f.Ext(), f.Description)
	}
	return b.String()
}

// CLIOptions are the export command's flags, as AddFlags registers them.
type CLIOptions struct {
	fs                       *flag.FlagSet
	format, types, asOf, out string
	seeds                    multiFlag
	depth, limit             int
}

// AddFlags registers the export flags on fs (so that a command table with
// its own flag set can host the command) and returns where they land.
func AddFlags(fs *flag.FlagSet) *CLIOptions {
	o := &CLIOptions{fs: fs}
	fs.StringVar(&o.format, "format", "", "format name, extension or MIME type ("+strings.Join(Names(), ", ")+"); default: from -o's extension")
	fs.Var(&o.seeds, "seed", "id of a seed entity (repeatable, or comma-separated); none: the whole graph")
	fs.IntVar(&o.depth, "depth", 0, "hops from the seeds (default: the service's default)")
	fs.StringVar(&o.types, "types", "", "relationship types to follow, comma-separated (default: all)")
	fs.StringVar(&o.asOf, "as-of", "", "keep relationships valid at this date (YYYY, YYYY-MM or YYYY-MM-DD)")
	fs.IntVar(&o.limit, "limit", 0, "at most this many nodes (default: the service's default)")
	fs.StringVar(&o.out, "o", "", "output file, or directory for csv (default: stdout)")
	return o
}

// RunOptions runs an export with flags already parsed by AddFlags' set.
func RunOptions(ctx context.Context, svc *kg.Service, o *CLIOptions, stdout, stderr io.Writer) error {
	const op = "export"
	types, asOf, out, seeds, depth, limit := o.types, o.asOf, o.out, o.seeds, o.depth, o.limit
	f, err := o.resolveFormat(op)
	if err != nil {
		return err
	}

	sel := Selection{Seeds: seeds}
	set := map[string]bool{}
	o.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if set["depth"] {
		sel.Depth = &depth
	}
	if set["limit"] {
		sel.Limit = &limit
	}
	for _, s := range strings.Split(types, ",") {
		if s = strings.TrimSpace(s); s != "" {
			t, err := kg.ParseRelType(strings.ToUpper(s))
			if err != nil {
				return kg.Invalidf(op, "--types", "%v", err)
			}
			sel.Types = append(sel.Types, t)
		}
	}
	if asOf != "" {
		d, err := kg.ParseDate(asOf)
		if err != nil {
			return kg.Invalidf(op, "--as-of", "%v", err)
		}
		sel.AsOf = d
	}

	x, err := Prepare(ctx, svc, sel)
	if err != nil {
		return err
	}
	var progress Progress
	if isTerminal(stderr) && x.Meta().Nodes+x.Meta().Edges >= progressThreshold {
		progress = bar(stderr)
	}

	if out == "" {
		return x.WriteTo(ctx, f.New(stdout), progress)
	}
	if f.Archive && wantsDir(out) {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return kg.Internal(op, err)
		}
		return x.WriteTo(ctx, NewCSV(&DirFiles{Dir: out}), progress)
	}
	// Write next to the target and rename, so a failed export never leaves
	// a file that looks complete.
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return kg.Internal(op, err)
	}
	defer os.Remove(tmp.Name())
	if err := x.WriteTo(ctx, f.New(tmp), progress); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return kg.Internal(op, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return kg.Internal(op, err)
	}
	return nil
}

// resolveFormat is --format, or else the format -o's extension names.
func (o *CLIOptions) resolveFormat(op string) (*Format, error) {
	switch {
	case o.format != "":
		f, ok := Lookup(o.format)
		if !ok {
			return nil, unknownFormat(op, "--format", o.format)
		}
		return f, nil
	case o.out != "":
		f, ok := ByFilename(o.out)
		if !ok {
			return nil, kg.Invalidf(op, "--format", "cannot tell the format from %q; give --format (%s)", o.out, strings.Join(Names(), ", "))
		}
		return f, nil
	}
	return nil, kg.Invalidf(op, "--format", "give --format (%s) or -o FILE with a known extension", strings.Join(Names(), ", "))
}

// wantsDir reports whether -o names a directory for a multi-file format:
// an existing directory, or a path with no extension.
func wantsDir(out string) bool {
	if st, err := os.Stat(out); err == nil {
		return st.IsDir()
	}
	return filepath.Ext(out) == "" || strings.HasSuffix(out, string(filepath.Separator))
}

type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*m = append(*m, s)
		}
	}
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// bar draws a one-line progress bar, redrawn in place.
func bar(w io.Writer) Progress {
	const width = 30
	return func(done, total int) {
		if total <= 0 {
			return
		}
		if done > total {
			total = done
		}
		n := done * width / total
		fmt.Fprintf(w, "\r[%s%s] %3d%% %d/%d", strings.Repeat("=", n), strings.Repeat(" ", width-n), done*100/total, done, total)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}
