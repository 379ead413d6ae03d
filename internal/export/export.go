package export

import (
	"context"
	"slices"
	"time"

	"github.com/polgraph/polgraph/internal/kg"
)

// Writer is one output format. The core calls Begin once, then Node for
// every node, then Edge for every edge (never a node after an edge), then
// End, which flushes and closes what the writer opened (not the underlying
// io.Writer). A writer may assume every edge's ends were given to Node.
type Writer interface {
	Begin(Meta) error
	Node(kg.Entity) error
	Edge(Edge) error
	End() error
}

// Meta describes an export before its first node.
type Meta struct {
	// Selection is what was asked for.
	Selection Selection
	// Nodes and Edges are how many the export holds: exact for a network,
	// the store's counts for the whole graph (an upper bound for edges when
	// Types or AsOf filter them).
	Nodes, Edges int
	// Truncated is true when the network's limit left out nodes the depth
	// would have reached.
	Truncated bool
}

// Selection says what to export: the whole graph when Seeds is empty,
// otherwise the network around the seeds, with the network query's
// arguments (nil Depth and Limit take the service's defaults).
type Selection struct {
	Seeds []string
	Depth *int
	Types []kg.RelType
	AsOf  kg.Date
	Limit *int
}

// Whole reports whether the selection is the whole graph.
func (s Selection) Whole() bool { return len(s.Seeds) == 0 }

// End is one end of an edge as a writer needs it without looking it up.
type End struct {
	ID   string
	Kind kg.Kind
	Name string
}

// Source is one piece of evidence with what its article (or dataset) says
// about itself, so that a file read without polgraph still shows where a
// tie comes from. For a dataset's evidence, Title and URL are the
// dataset's name and address, Outlet its publisher.
type Source struct {
	Article    string  `json:"article,omitempty"`
	Title      string  `json:"title,omitempty"`
	URL        string  `json:"url,omitempty"`
	Outlet     string  `json:"outlet,omitempty"` // the outlet's name
	Published  kg.Date `json:"published,omitzero"`
	Quote      string  `json:"quote,omitempty"`
	Confidence float64 `json:"confidence"`

	Dataset  string    `json:"dataset,omitempty"`
	Record   string    `json:"record,omitempty"`
	File     string    `json:"file,omitempty"`
	Imported time.Time `json:"imported,omitzero"`
}

// Edge is a relationship with its ends and its evidence resolved.
type Edge struct {
	kg.Relationship
	FromEnd, ToEnd End
	Sources        []Source
}

// Progress is told how many items (nodes plus edges) are written so far.
type Progress func(done, total int)

// Export is a prepared export: the selection is checked and, for a network,
// computed, so that errors (bad arguments, unknown seeds) surface before a
// single byte is written.
type Export struct {
	svc  *kg.Service
	meta Meta
	sub  *kg.Subgraph // nil for the whole graph
}

// Prepare checks the selection and computes a network selection. Errors are
// *kg.Error values whose problem paths name the selection's fields (seeds,
// depth, types, asOf, limit).
func Prepare(ctx context.Context, svc *kg.Service, sel Selection) (*Export, error) {
	const op = "export"
	if !sel.Whole() {
		sub, err := svc.Network(ctx, kg.NetworkQuery{Seeds: sel.Seeds, Types: sel.Types, AsOf: sel.AsOf}, sel.Depth, sel.Limit)
		if err != nil {
			return nil, err
		}
		return &Export{svc: svc, sub: &sub, meta: Meta{Selection: sel, Nodes: len(sub.Nodes), Edges: len(sub.Edges), Truncated: sub.Truncated}}, nil
	}
	var probs []kg.Problem
	if sel.Depth != nil {
		probs = append(probs, kg.Problem{Path: "depth", Reason: "needs a seed; without seeds the whole graph is exported"})
	}
	if sel.Limit != nil {
		probs = append(probs, kg.Problem{Path: "limit", Reason: "needs a seed; without seeds the whole graph is exported"})
	}
	for i, t := range sel.Types {
		if !t.Valid() {
			probs = append(probs, kg.Problem{Path: "types[" + itoa(i) + "]", Reason: "unknown relationship type " + quote(string(t))})
		}
	}
	if !sel.AsOf.Valid() {
		probs = append(probs, kg.Problem{Path: "asOf", Reason: "is not a valid date"})
	}
	if len(probs) > 0 {
		return nil, kg.Invalid(op, probs...)
	}
	c, err := svc.Store().Counts(ctx)
	if err != nil {
		return nil, err
	}
	return &Export{svc: svc, meta: Meta{Selection: sel, Nodes: c.Entities, Edges: c.Relationships}}, nil
}

// Meta describes the prepared export.
func (x *Export) Meta() Meta { return x.meta }

// WriteTo feeds the export to w. progress may be nil.
func (x *Export) WriteTo(ctx context.Context, w Writer, progress Progress) error {
	total := x.meta.Nodes + x.meta.Edges
	done := 0
	tick := func() {
		done++
		if progress != nil && (done%256 == 0 || done == total) {
			progress(done, total)
		}
	}
	if err := w.Begin(x.meta); err != nil {
		return err
	}
	var err error
	if x.sub != nil {
		err = x.writeNetwork(ctx, w, tick)
	} else {
		err = x.writeWhole(ctx, w, tick)
	}
	if err != nil {
		return err
	}
	if progress != nil && done != total {
		progress(done, done) // the whole graph's total was an upper bound
	}
	return w.End()
}

func (x *Export) writeNetwork(ctx context.Context, w Writer, tick func()) error {
	ends := make(map[string]End, len(x.sub.Nodes))
	known := make(map[string]kg.Entity)
	for _, n := range x.sub.Nodes {
		if err := w.Node(n); err != nil {
			return err
		}
		ends[n.ID] = End{ID: n.ID, Kind: n.Kind, Name: n.Name}
		if n.Kind == kg.Article || (n.Kind == kg.Organization && n.Classification == kg.MediaOutlet) {
			known[n.ID] = n
		}
		tick()
	}
	// Articles cited as evidence are mostly not in the network: look them
	// up, and their outlets, a batch at a time.
	const batch = 256
	for lo := 0; lo < len(x.sub.Edges); lo += batch {
		rels := x.sub.Edges[lo:min(lo+batch, len(x.sub.Edges))]
		if err := lookupSources(ctx, x.svc.Store(), rels, known); err != nil {
			return err
		}
		for _, r := range rels {
			if err := w.Edge(resolve(r, ends, known)); err != nil {
				return err
			}
			tick()
		}
	}
	return nil
}

// writeWhole streams every entity and then every relationship, from one
// Snapshot of the store, so that an export taken during writes is one
// state of the graph: no edge to a node it does not hold. The store is not
// called back from inside the view (a backend holds a read transaction
// while it lasts), so what edges need of the nodes (kind and name of every
// entity; title, URL, outlet and date of every article) is kept in a small
// index while the nodes stream by; the entities themselves are not kept.
// An edge whose ends were not written is left out, whatever the store.
func (x *Export) writeWhole(ctx context.Context, w Writer, tick func()) error {
	return x.svc.Store().Snapshot(ctx, func(v kg.View) error {
		ends := make(map[string]End, x.meta.Nodes)
		known := make(map[string]kg.Entity)
		err := v.ScanEntities(ctx, func(e kg.Entity) error {
			if err := w.Node(e); err != nil {
				return err
			}
			ends[e.ID] = End{ID: e.ID, Kind: e.Kind, Name: e.Name}
			if e.Kind == kg.Article || e.Kind == kg.Dataset {
				known[e.ID] = kg.Entity{ID: e.ID, Kind: e.Kind, Name: e.Name, Title: e.Title, URL: e.URL, Outlet: e.Outlet, Published: e.Published, Publisher: e.Publisher}
			}
			tick()
			return nil
		})
		if err != nil {
			return err
		}
		for id, end := range ends {
			if end.Kind == kg.Organization {
				known[id] = kg.Entity{ID: id, Kind: end.Kind, Name: end.Name}
			}
		}
		sel := x.meta.Selection
		return v.ScanRelationships(ctx, func(r kg.Relationship) error {
			if len(sel.Types) > 0 && !slices.Contains(sel.Types, r.Type) {
				return nil
			}
			if !r.ValidAt(sel.AsOf) {
				return nil
			}
			if _, ok := ends[r.From]; !ok {
				return nil
			}
			if _, ok := ends[r.To]; !ok {
				return nil
			}
			if err := w.Edge(resolve(r, ends, known)); err != nil {
				return err
			}
			tick()
			return nil
		})
	})
}

// lookupSources adds to known the articles the relationships cite and those
// articles' outlets, for the ones not known yet.
func lookupSources(ctx context.Context, st kg.Store, rels []kg.Relationship, known map[string]kg.Entity) error {
	var ids []string
	for _, r := range rels {
		for _, ev := range r.Evidence {
			if src := ev.Source(); !slices.Contains(ids, src) {
				if _, ok := known[src]; !ok {
					ids = append(ids, src)
				}
			}
		}
	}
	if err := lookup(ctx, st, ids, known); err != nil {
		return err
	}
	var outlets []string
	for _, id := range ids {
		if a, ok := known[id]; ok && a.Outlet != "" {
			if _, ok := known[a.Outlet]; !ok && !slices.Contains(outlets, a.Outlet) {
				outlets = append(outlets, a.Outlet)
			}
		}
	}
	return lookup(ctx, st, outlets, known)
}

func lookup(ctx context.Context, st kg.Store, ids []string, known map[string]kg.Entity) error {
	if len(ids) == 0 {
		return nil
	}
	m, err := st.Entities(ctx, ids)
	if err != nil {
		return err
	}
	for id, e := range m {
		e.Text = "" // an article's text is not needed to cite it
		known[id] = e
	}
	return nil
}

// resolve attaches ends and sources to a relationship. An article that is
// gone from the store still appears, by id.
func resolve(r kg.Relationship, ends map[string]End, known map[string]kg.Entity) Edge {
	e := Edge{Relationship: r, FromEnd: ends[r.From], ToEnd: ends[r.To]}
	if e.FromEnd.ID == "" {
		e.FromEnd.ID = r.From
	}
	if e.ToEnd.ID == "" {
		e.ToEnd.ID = r.To
	}
	for _, ev := range r.Evidence {
		s := Source{Article: ev.Article, Quote: ev.Quote, Confidence: ev.Confidence,
			Dataset: ev.Dataset, Record: ev.Record, File: ev.File, Imported: ev.Imported}
		if ev.Dataset != "" {
			if d, ok := known[ev.Dataset]; ok {
				s.Title, s.URL, s.Outlet = d.Name, d.URL, d.Publisher
			}
			e.Sources = append(e.Sources, s)
			continue
		}
		if a, ok := known[ev.Article]; ok {
			s.Title, s.URL, s.Published = a.Title, a.URL, a.Published
			if s.Title == "" {
				s.Title = a.Name
			}
			if o, ok := known[a.Outlet]; ok {
				s.Outlet = o.Name
			}
		}
		e.Sources = append(e.Sources, s)
	}
	return e
}
