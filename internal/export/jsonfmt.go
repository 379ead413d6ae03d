package export

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/polgraph/polgraph/internal/kg"
)

// jsonWriter writes the Subgraph shape of the GraphQL API,
// {"nodes":[...],"edges":[...],"truncated":false}, with every field of
// every entity and relationship; each piece of evidence also carries its
// article's title, URL, outlet and date. Elements are encoded one at a
// time, so the document streams.
type jsonWriter struct {
	w     *bufio.Writer
	enc   *json.Encoder
	meta  Meta
	n     int
	edges bool
	// cytoscape switches to the Cytoscape.js elements shape.
	cytoscape bool
}

func newJSON(w io.Writer) Writer      { return newJSONWriter(w, false) }
func newCytoscape(w io.Writer) Writer { return newJSONWriter(w, true) }

func newJSONWriter(w io.Writer, cy bool) *jsonWriter {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &jsonWriter{w: bw, enc: enc, cytoscape: cy}
}

// jsonEdge is a relationship with resolved evidence.
type jsonEdge struct {
	ID       string     `json:"id"`
	Type     kg.RelType `json:"type"`
	From     string     `json:"from"`
	To       string     `json:"to"`
	Role     string     `json:"role,omitempty"`
	Since    kg.Date    `json:"since,omitzero"`
	Until    kg.Date    `json:"until,omitzero"`
	Sources  int        `json:"sources"`
	Evidence []Source   `json:"evidence"`
	// Attributes and Unsupported appear only when set.
	Attributes  []kg.Attribute `json:"attributes,omitempty"`
	Unsupported bool           `json:"unsupported,omitempty"`
}

// cyNode and cyEdge are Cytoscape.js element data: id, label and, for
// edges, source and target are what Cytoscape.js reads; the rest is data
// for styles and selectors (node[kind = "PERSON"]).
type cyNode struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	kg.Entity
}

// cyElement is a Cytoscape.js element: its data under "data".
type cyElement struct {
	Data any `json:"data"`
}

type cyEdge struct {
	Source string `json:"source"`
	Target string `json:"target"`
	Label  string `json:"label"`
	jsonEdge
}

func (j *jsonWriter) Begin(m Meta) error {
	j.meta = m
	if j.cytoscape {
		j.w.WriteString(`{"data":{"generator":"polgraph","truncated":` + boolStr(m.Truncated) + `},"elements":{"nodes":[`)
	} else {
		j.w.WriteString(`{"nodes":[`)
	}
	return nil
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func (j *jsonWriter) sep() {
	if j.n > 0 {
		j.w.WriteString(",")
	}
	j.w.WriteString("\n")
	j.n++
}

func cleanEntity(e kg.Entity) kg.Entity {
	e.ID, e.Name, e.Description = clean(e.ID), clean(e.Name), clean(e.Description)
	e.Aliases = cleanAll(e.Aliases)
	if len(e.Identifiers) > 0 {
		ids := make([]kg.Identifier, len(e.Identifiers))
		for i, id := range e.Identifiers {
			ids[i] = kg.Identifier{Scheme: clean(id.Scheme), Value: clean(id.Value)}
		}
		e.Identifiers = ids
	}
	e.Title, e.URL, e.Outlet, e.Text = clean(e.Title), clean(e.URL), clean(e.Outlet), clean(e.Text)
	e.Summary, e.EventType, e.Quote, e.Speaker = clean(e.Summary), clean(e.EventType), clean(e.Quote), clean(e.Speaker)
	e.Gender, e.Publisher, e.Licence = clean(e.Gender), clean(e.Publisher), clean(e.Licence)
	e.Attributes, e.Sources = cleanAttributes(e.Attributes), cleanEntitySources(e.Sources)
	return e
}

func (j *jsonWriter) Node(e kg.Entity) error {
	j.sep()
	e = cleanEntity(e)
	if j.cytoscape {
		e.Text = "" // an article's text stays out of a drawing; the json format has it
		return j.enc.Encode(cyElement{cyNode{ID: e.ID, Label: e.Name, Entity: e}})
	}
	return j.enc.Encode(e)
}

func toJSONEdge(e Edge) jsonEdge {
	src := cleanSources(e.Sources)
	if src == nil {
		src = []Source{}
	}
	return jsonEdge{ID: clean(e.ID), Type: e.Type, From: clean(e.From), To: clean(e.To), Role: clean(e.Role),
		Since: e.Since, Until: e.Until, Sources: e.Relationship.Sources(), Evidence: src,
		Attributes: cleanAttributes(e.Attributes), Unsupported: e.Unsupported}
}

func (j *jsonWriter) openEdges() {
	if !j.edges {
		j.edges = true
		j.w.WriteString(`],"edges":[`)
		j.n = 0
	}
}

func (j *jsonWriter) Edge(e Edge) error {
	j.openEdges()
	j.sep()
	je := toJSONEdge(e)
	if j.cytoscape {
		return j.enc.Encode(cyElement{cyEdge{Source: je.From, Target: je.To, Label: string(je.Type), jsonEdge: je}})
	}
	return j.enc.Encode(je)
}

func (j *jsonWriter) End() error {
	j.openEdges()
	if j.cytoscape {
		j.w.WriteString("]}}\n")
	} else {
		j.w.WriteString(`],"truncated":` + boolStr(j.meta.Truncated) + "}\n")
	}
	return j.w.Flush()
}
