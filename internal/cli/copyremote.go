package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/polgraph/polgraph/internal/export"
	"github.com/polgraph/polgraph/internal/kg"
)

// dumpSource is a whole graph read through a running server: its
// polgraph-format export (every entity and relationship exactly as stored,
// from one snapshot of the store), kept in a temporary file readable by its
// owner only, so that it can be counted and scanned as often as a copy
// needs. Close removes the file.
type dumpSource struct {
	path   string
	counts kg.Counts
}

// errDumpStop ends a scan of the file early (the entities come first).
var errDumpStop = errors.New("stop")

// dumpFrom downloads the server's whole graph into a temporary file,
// checking on the way that the stream is complete.
func (r *remote) dumpFrom(ctx context.Context) (_ *dumpSource, err error) {
	const op = "copy"
	resp, err := r.get(ctx, "/export", url.Values{"format": {"polgraph"}})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	f, err := os.CreateTemp("", "polgraph-copy-*.jsonl") // mode 0600
	if err != nil {
		return nil, kg.Internal(op, err)
	}
	d := &dumpSource{path: f.Name(), counts: kg.Counts{ByKind: map[kg.Kind]int{}}}
	defer func() {
		if err != nil {
			os.Remove(d.path)
		}
	}()
	end, err := export.ReadDump(io.TeeReader(resp.Body, f),
		func(e kg.Entity) error { d.counts.ByKind[e.Kind]++; return nil },
		func(kg.Relationship) error { return nil })
	if cerr := f.Close(); err == nil && cerr != nil {
		err = kg.Internal(op, cerr)
	}
	if err != nil {
		return nil, fmt.Errorf("read the graph from the server at %s: %w", r.url, err)
	}
	d.counts.Entities, d.counts.Relationships = end.Entities, end.Relationships
	return d, nil
}

func (d *dumpSource) scan(ctx context.Context, ent func(kg.Entity) error, rel func(kg.Relationship) error) (export.DumpEnd, error) {
	f, err := os.Open(d.path)
	if err != nil {
		return export.DumpEnd{}, kg.Internal("copy", err)
	}
	defer f.Close()
	check := func() error { return ctx.Err() }
	return export.ReadDump(f,
		func(e kg.Entity) error {
			if err := check(); err != nil || ent == nil {
				return err
			}
			return ent(e)
		},
		func(r kg.Relationship) error {
			if err := check(); err != nil || rel == nil {
				return err
			}
			return rel(r)
		})
}

// Counts are the counts of the downloaded graph.
func (d *dumpSource) Counts(context.Context) (kg.Counts, error) {
	c := d.counts
	c.ByKind = make(map[kg.Kind]int, len(d.counts.ByKind))
	for k, n := range d.counts.ByKind {
		c.ByKind[k] = n
	}
	return c, nil
}

// ScanEntities calls fn for every entity, in the order the server sent them
// (its store's id order).
func (d *dumpSource) ScanEntities(ctx context.Context, fn func(kg.Entity) error) error {
	_, err := d.scan(ctx, fn, func(kg.Relationship) error { return errDumpStop })
	if errors.Is(err, errDumpStop) {
		return nil
	}
	return err
}

// ScanRelationships calls fn for every relationship.
func (d *dumpSource) ScanRelationships(ctx context.Context, fn func(kg.Relationship) error) error {
	_, err := d.scan(ctx, nil, fn)
	return err
}

// Close removes the temporary file.
func (d *dumpSource) Close() error { return os.Remove(d.path) }

// importTarget is a copy's target written through a running server: each
// batch goes to its importGraph mutation (admin, audited, one write per
// request) in the polgraph format, split so that no request body exceeds
// maxBody; counts come from its stats query.
type importTarget struct {
	r       *remote
	maxBody int
}

// importMaxBody keeps each importGraph request well under serve's default
// body limit (8 MiB).
const importMaxBody = 4 << 20

func (r *remote) importTarget() *importTarget { return &importTarget{r: r, maxBody: importMaxBody} }

// Counts asks the server how much its store holds.
func (t *importTarget) Counts(ctx context.Context) (kg.Counts, error) {
	var d struct {
		Stats struct {
			Entities, Relationships int
			ByKind                  []struct {
				Kind  kg.Kind
				Count int
			}
		}
	}
	if err := t.r.graphql(ctx, `{ stats { entities relationships byKind { kind count } } }`, nil, &d); err != nil {
		return kg.Counts{}, err
	}
	c := kg.Counts{Entities: d.Stats.Entities, Relationships: d.Stats.Relationships, ByKind: map[kg.Kind]int{}}
	for _, k := range d.Stats.ByKind {
		c.ByKind[k.Kind] = k.Count
	}
	return c, nil
}

// Apply sends b, in halves when its dump is larger than maxBody (each half
// is then its own write: a copy is safe to run again, not one transaction).
func (t *importTarget) Apply(ctx context.Context, b kg.Batch) error {
	var buf bytes.Buffer
	if err := export.WriteDump(&buf, b.Entities, b.Relationships); err != nil {
		return err
	}
	if n := len(b.Entities) + len(b.Relationships); buf.Len() > t.maxBody && n > 1 {
		ents, rels := b.Entities, b.Relationships
		var first, second kg.Batch
		if len(ents) > 1 || len(rels) == 0 {
			first.Entities, second.Entities, second.Relationships = ents[:len(ents)/2], ents[len(ents)/2:], rels
		} else {
			first.Entities, first.Relationships, second.Relationships = ents, rels[:len(rels)/2], rels[len(rels)/2:]
		}
		if err := t.Apply(ctx, first); err != nil {
			return err
		}
		return t.Apply(ctx, second)
	}
	return t.r.graphql(ctx, `mutation($dump: String!) { importGraph(dump: $dump) { entities } }`, map[string]any{"dump": buf.String()}, nil)
}
