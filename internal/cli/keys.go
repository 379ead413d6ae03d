package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/polgraph/polgraph/internal/config"
	"github.com/polgraph/polgraph/internal/kg"
)

// parseSub parses a subcommand's arguments: its own flags, and the store
// options again (so that "keys create --data DIR" works as well as "keys
// --data DIR create").
func (env *Env) parseSub(name string, args []string, own func(fs *flag.FlagSet)) ([]string, error) {
	fs := flag.NewFlagSet("polgraph "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	for _, opt := range []string{"data", "store"} {
		o, _ := config.Lookup(opt)
		fs.Func(o.Name, fmt.Sprintf("%s (env %s)", o.Usage, o.Env), func(v string) error { return env.Config.Set(o.Name, v) })
	}
	if own != nil {
		own(fs)
	}
	// Flags may come before and after the positional arguments.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %w", ErrUsage, err)
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func keysCommand() Command {
	return Command{
		Name: "keys",
		Args: "create --role ROLE --name NAME | list | revoke NAME",
		Summary: "manage API keys: create one (its secret is printed once), list them, revoke one; " +
			"works next to a running polgraph serve",
		Options: []string{"data", "store", "log-level", "log-format"},
		Run:     runKeys,
	}
}

func runKeys(ctx context.Context, env *Env, args []string) (err error) {
	if len(args) == 0 {
		return fmt.Errorf("%w: keys needs a subcommand: create, list or revoke", ErrUsage)
	}
	sub, rest := args[0], args[1:]
	var role, name string
	var own func(fs *flag.FlagSet)
	switch sub {
	case "create":
		own = func(fs *flag.FlagSet) {
			fs.StringVar(&role, "role", "", "the key's role: reader, editor or admin")
			fs.StringVar(&name, "name", "", "the key's name, recorded in the audit log as who wrote")
		}
	case "list", "revoke":
	default:
		return fmt.Errorf("%w: unknown keys subcommand %q (want create, list or revoke)", ErrUsage, sub)
	}
	rest, err = env.parseSub("keys "+sub, rest, own)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case sub == "create" && (role == "" || name == "" || len(rest) > 0):
		return fmt.Errorf("%w: usage: polgraph keys create --role reader|editor|admin --name NAME", ErrUsage)
	case sub == "list" && len(rest) > 0:
		return fmt.Errorf("%w: usage: polgraph keys list", ErrUsage)
	case sub == "revoke" && len(rest) != 1:
		return fmt.Errorf("%w: usage: polgraph keys revoke NAME", ErrUsage)
	}
	var r kg.Role
	if sub == "create" {
		if r, err = kg.ParseRole(role); err != nil {
			return fmt.Errorf("%w: --role: %w", ErrUsage, err)
		}
	}

	rm, svc, ctx, done, err := env.serverOrService(ctx)
	if err != nil {
		return err
	}
	defer done(&err)
	switch sub {
	case "create":
		var k kg.APIKey
		var secret string
		if rm != nil {
			k, secret, err = rm.createKey(ctx, name, r)
		} else {
			k, secret, err = svc.CreateKey(ctx, name, r)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "created key %q with the %s role; its secret, shown this once (send it as Authorization: Bearer SECRET):\n", k.Name, k.Role)
		fmt.Fprintln(env.Stdout, secret)
		return nil
	case "list":
		var keys []kg.APIKey
		if rm != nil {
			keys, err = rm.listKeys(ctx)
		} else {
			keys, err = svc.ListKeys(ctx)
		}
		if err != nil {
			return err
		}
		printKeys(env.Stdout, keys)
		return nil
	default:
		var k kg.APIKey
		if rm != nil {
			k, err = rm.revokeKey(ctx, rest[0])
		} else {
			k, err = svc.RevokeKey(ctx, rest[0])
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "revoked key %q (%s)\n", k.Name, k.Role)
		return nil
	}
}

func printKeys(w io.Writer, keys []kg.APIKey) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tSTATUS\tCREATED\tBY")
	for _, k := range keys {
		status := "active"
		if !k.Active() {
			status = "revoked " + k.Revoked.UTC().Format(time.RFC3339) + " by " + k.RevokedBy
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.Name, k.Role, status, k.Created.UTC().Format(time.RFC3339), k.CreatedBy)
	}
	tw.Flush()
}

type gqlKey struct {
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	Active    bool       `json:"active"`
	CreatedAt time.Time  `json:"createdAt"`
	CreatedBy string     `json:"createdBy"`
	RevokedAt *time.Time `json:"revokedAt"`
	RevokedBy *string    `json:"revokedBy"`
}

const keyFields = `name role active createdAt createdBy revokedAt revokedBy`

func (k gqlKey) domain() kg.APIKey {
	out := kg.APIKey{Name: k.Name, Role: kg.Role(strings.ToLower(k.Role)), Created: k.CreatedAt, CreatedBy: k.CreatedBy}
	if k.RevokedAt != nil {
		out.Revoked = *k.RevokedAt
	}
	if k.RevokedBy != nil {
		out.RevokedBy = *k.RevokedBy
	}
	return out
}

func (r *remote) createKey(ctx context.Context, name string, role kg.Role) (kg.APIKey, string, error) {
	var d struct {
		Create struct {
			Key    gqlKey `json:"key"`
			Secret string `json:"secret"`
		} `json:"createApiKey"`
	}
	err := r.graphql(ctx, `mutation($name: String!, $role: Role!) { createApiKey(name: $name, role: $role) { secret key { `+keyFields+` } } }`,
		map[string]any{"name": name, "role": strings.ToUpper(string(role))}, &d)
	return d.Create.Key.domain(), d.Create.Secret, err
}

func (r *remote) listKeys(ctx context.Context) ([]kg.APIKey, error) {
	var d struct {
		Keys []gqlKey `json:"apiKeys"`
	}
	if err := r.graphql(ctx, `{ apiKeys { `+keyFields+` } }`, nil, &d); err != nil {
		return nil, err
	}
	out := make([]kg.APIKey, len(d.Keys))
	for i, k := range d.Keys {
		out[i] = k.domain()
	}
	return out, nil
}

func (r *remote) revokeKey(ctx context.Context, name string) (kg.APIKey, error) {
	var d struct {
		Key gqlKey `json:"revokeApiKey"`
	}
	err := r.graphql(ctx, `mutation($name: String!) { revokeApiKey(name: $name) { `+keyFields+` } }`, map[string]any{"name": name}, &d)
	return d.Key.domain(), err
}

func auditCommand() Command {
	return Command{
		Name: "audit",
		Args: "export [--entity ID] [--actor NAME] [--since TIME] [-o FILE] | revert ID",
		Summary: "the audit log: export it as JSON lines (one record per line, oldest first), or revert one write; " +
			"works next to a running polgraph serve",
		Options: []string{"data", "store", "log-level", "log-format"},
		Run:     runAudit,
	}
}

func runAudit(ctx context.Context, env *Env, args []string) (err error) {
	if len(args) == 0 {
		return fmt.Errorf("%w: audit needs a subcommand: export or revert", ErrUsage)
	}
	sub, rest := args[0], args[1:]
	var entity, actor, since, out string
	var own func(fs *flag.FlagSet)
	switch sub {
	case "export":
		own = func(fs *flag.FlagSet) {
			fs.StringVar(&entity, "entity", "", "only writes that changed this entity or relationship, or a relationship from or to it")
			fs.StringVar(&actor, "actor", "", `only writes by this actor (a key's name, "anonymous", "cli")`)
			fs.StringVar(&since, "since", "", "only writes made at or after this time (RFC 3339, e.g. 2024-05-01T12:00:00Z)")
			fs.StringVar(&out, "o", "", "output file (default: stdout)")
		}
	case "revert":
	default:
		return fmt.Errorf("%w: unknown audit subcommand %q (want export or revert)", ErrUsage, sub)
	}
	rest, err = env.parseSub("audit "+sub, rest, own)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	q := kg.AuditQuery{Entity: entity, Actor: actor}
	switch {
	case sub == "export" && len(rest) > 0:
		return fmt.Errorf("%w: audit export takes no arguments, got %q", ErrUsage, rest)
	case sub == "revert" && len(rest) != 1:
		return fmt.Errorf("%w: usage: polgraph audit revert ID", ErrUsage)
	}
	if since != "" {
		if q.Since, err = time.Parse(time.RFC3339Nano, since); err != nil {
			return fmt.Errorf("%w: --since: %q is not an RFC 3339 time (2024-05-01T12:00:00Z)", ErrUsage, since)
		}
	}

	rm, svc, ctx, done, err := env.serverOrService(ctx)
	if err != nil {
		return err
	}
	defer done(&err)
	if sub == "revert" {
		var rec kg.AuditRecord
		if rm != nil {
			var d struct {
				R struct {
					ID string `json:"id"`
				} `json:"revertWrite"`
			}
			err = rm.graphql(ctx, `mutation($id: ID!) { revertWrite(id: $id) { id } }`, map[string]any{"id": rest[0]}, &d)
			rec.ID = d.R.ID
		} else {
			rec, err = svc.RevertWrite(ctx, rest[0])
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "reverted %s; the revert is recorded as %s\n", rest[0], rec.ID)
		return nil
	}
	return writeOut(out, env.Stdout, func(w io.Writer) error {
		if rm != nil {
			v := url.Values{}
			for k, s := range map[string]string{"entity": entity, "actor": actor, "since": since} {
				if s != "" {
					v.Set(k, s)
				}
			}
			resp, err := rm.get(ctx, "/audit", v)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			_, err = io.Copy(w, resp.Body)
			return err
		}
		enc := json.NewEncoder(w)
		return svc.ScanAudit(ctx, q, func(r kg.AuditRecord) error { return enc.Encode(&r) })
	})
}

// writeOut writes to stdout, or to the file out through a temporary file
// renamed at the end, so that a failed write leaves no file that looks
// complete.
func writeOut(out string, stdout io.Writer, write func(io.Writer) error) error {
	if out == "" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}
