package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/open"
	"github.com/polgraph/polgraph/internal/transfer"
)

func copyCommand() Command {
	var from, to string
	var batch int
	var withKeys, withAudit bool
	return Command{
		Name:    "copy",
		Args:    "",
		Summary: "copy a whole graph between stores (data directories or store URIs such as neo4j://host:7687), with a final count check",
		Options: []string{"log-level", "log-format", "api-key"},
		Flags: func(fs *flag.FlagSet) {
			fs.StringVar(&from, "from", "", "the source: a data directory (read through polgraph serve when one runs on it), a store URI, or a server's URL (http://HOST:PORT, with a reader --api-key)")
			fs.StringVar(&to, "to", "", "the target: a data directory (written through polgraph serve when one runs on it), a store URI, or a server's URL (http://HOST:PORT, with an admin --api-key); created or merged into")
			fs.IntVar(&batch, "batch", transfer.DefaultBatchSize, "entities or relationships per write")
			fs.BoolVar(&withKeys, "with-keys", false, "also copy the API keys (hashes, roles, revocations as they are); both stores opened directly, not through a server")
			fs.BoolVar(&withAudit, "with-audit", false, "also copy the audit log as it is (so writes made before the copy can be reverted on the target); both stores opened directly")
		},
		Run: func(ctx context.Context, env *Env, args []string) (err error) {
			if from == "" || to == "" || len(args) > 0 {
				return fmt.Errorf("%w: copy needs --from and --to, and no arguments", ErrUsage)
			}
			if from == to {
				return fmt.Errorf("%w: --from and --to name the same store", ErrUsage)
			}
			// A data directory a server runs on is locked by it: the
			// source is then read through the server (its polgraph
			// export), the target written through it (importGraph, with
			// the server's admin authorisation and audit log).
			byURL := func(u, needs string) (*remote, error) {
				if env.Config.APIKey == "" {
					return nil, fmt.Errorf("%w: copy through the server at %s needs %s: set POLGRAPH_API_KEY (or --api-key)", ErrUsage, u, needs)
				}
				return &remote{url: u, token: env.Config.APIKey, hc: &http.Client{}}, nil
			}
			var dstRemote *remote
			if u, ok := serverURL(to); ok {
				if dstRemote, err = byURL(u, "an admin key (it writes through importGraph)"); err != nil {
					return err
				}
			} else if dir, ok := open.EmbeddedDir(to); ok {
				if dstRemote, err = env.remoteServerAt(ctx, dir); err != nil {
					return err
				}
			}
			var src transfer.Source
			var srcStore, dstStore kg.Store
			var rm *remote
			if u, ok := serverURL(from); ok {
				if rm, err = byURL(u, "a reader key (it reads /export)"); err != nil {
					return err
				}
			} else if dir, ok := open.EmbeddedDir(from); ok {
				if rm, err = env.remoteServerAt(ctx, dir); err != nil {
					return err
				}
			}
			if (withKeys || withAudit) && (rm != nil || dstRemote != nil) {
				served := rm
				if served == nil {
					served = dstRemote
				}
				return fmt.Errorf("%w: --with-keys and --with-audit copy between stores opened directly, and polgraph serve at %s holds one of them: "+
					"its API never hands out key hashes nor lets anyone write the audit log; stop that server for this copy", ErrUsage, served.url)
			}
			if rm != nil {
				env.Logger.Debug("reading the source through the running server", "url", rm.url)
				d, derr := rm.dumpFrom(ctx)
				if derr != nil {
					return derr
				}
				defer d.Close()
				src = d
			} else {
				s, oerr := open.Open(ctx, from, env.Logger)
				if oerr != nil {
					return oerr
				}
				defer closeStore(s, &err)
				src, srcStore = s, s
			}
			var dst transfer.Target
			if dstRemote != nil {
				env.Logger.Debug("writing the target through the running server", "url", dstRemote.url)
				dst = dstRemote.importTarget()
			} else {
				s, oerr := open.Open(ctx, to, env.Logger)
				if oerr != nil {
					return oerr
				}
				defer closeStore(s, &err)
				dst, dstStore = s, s
			}
			bar := newProgressBar(env.Stderr)
			st, err := transfer.Copy(ctx, src, dst, transfer.Options{BatchSize: batch, Progress: bar.update})
			bar.finish()
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "copied %d entities and %d relationships from %s to %s; the target holds %d entities and %d relationships (count check passed)\n",
				st.Entities, st.Relationships, redactURI(from), redactURI(to), st.Target.Entities, st.Target.Relationships)
			// Duplicate candidates and verdicts are curation state of the
			// graph: they travel with it between stores opened directly
			// (the API has no way to write them as they are).
			if srcStore != nil && dstStore != nil {
				n, err := transfer.CopyDuplicates(ctx, srcStore, dstStore, batch)
				if err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "copied %d duplicate pairs (candidates and verdicts)\n", n)
			}
			if withKeys {
				n, err := transfer.CopyKeys(ctx, srcStore, dstStore)
				if err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "copied %d API keys\n", n)
			}
			if withAudit {
				n, err := transfer.CopyAudit(ctx, srcStore, dstStore, batch)
				if err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "copied %d audit records\n", n)
			}
			return nil
		},
	}
}

// serverURL reports whether target names a running server by its URL
// (http:// or https://, no query), and returns it without a trailing slash.
func serverURL(target string) (string, bool) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.User != nil {
		return "", false
	}
	return strings.TrimSuffix(u.String(), "/"), true
}

// progressBar draws a copy's progress on a terminal, and nothing elsewhere
// (logs and pipes get the final summary only).
type progressBar struct {
	w     io.Writer
	on    bool
	drawn bool
}

func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	if !ok {
		return &progressBar{}
	}
	fi, err := f.Stat()
	return &progressBar{w: w, on: err == nil && fi.Mode()&os.ModeCharDevice != 0}
}

func (b *progressBar) update(p transfer.Progress) {
	if !b.on {
		return
	}
	fmt.Fprintf(b.w, "\r%s", renderProgress(p, 30))
	b.drawn = true
}

func (b *progressBar) finish() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}

// renderProgress draws one line: "[#####.....]  50% entities 500/1000".
func renderProgress(p transfer.Progress, width int) string {
	frac := 1.0
	if p.Total > 0 {
		frac = min(float64(p.Done)/float64(p.Total), 1)
	}
	n := int(frac * float64(width))
	return fmt.Sprintf("[%s%s] %3d%% %-13s %d/%d", strings.Repeat("#", n), strings.Repeat(".", width-n), int(frac*100), p.Phase, p.Done, p.Total)
}

// redactURI hides a password in a store URI; a directory is left as is.
func redactURI(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "the store URI"
	}
	return u.Redacted()
}
