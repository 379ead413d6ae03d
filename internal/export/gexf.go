package export

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/polgraph/polgraph/internal/kg"
)

// gexfWriter writes GEXF 1.2draft (the version NetworkX's read_gexf and
// Gephi read by default) in dynamic mode: an edge lives from the first
// day its since may denote to the last day its until may denote (a
// membership "until 2023" ends on 2023-12-31), so Gephi's timeline shows
// the network as of any date. Nodes are not time-bound. Attributes are
// declared up front, as in GraphML.
type gexfWriter struct {
	w     *bufio.Writer
	edges bool // the <edges> element is open
}

func newGEXF(w io.Writer) Writer { return &gexfWriter{w: bufio.NewWriter(w)} }

func (g *gexfWriter) Begin(m Meta) error {
	w := g.w
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.WriteString(`<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">` + "\n")
	w.WriteString("  <meta>\n    <creator>polgraph</creator>\n    <description>")
	xmlText(w, describe(m))
	w.WriteString("</description>\n  </meta>\n")
	w.WriteString(`  <graph mode="dynamic" defaultedgetype="directed" timeformat="date">` + "\n")
	w.WriteString(`    <attributes class="node" mode="static">` + "\n")
	for _, k := range nodeKeys {
		w.WriteString(`      <attribute id="` + k.Key + `" title="` + k.Key + `" type="string"/>` + "\n")
	}
	w.WriteString("    </attributes>\n")
	w.WriteString(`    <attributes class="edge" mode="static">` + "\n")
	for _, k := range edgeKeys {
		t := k.Type
		if t == "int" {
			t = "integer"
		}
		w.WriteString(`      <attribute id="` + k.Key + `" title="` + k.Key + `" type="` + t + `"/>` + "\n")
	}
	w.WriteString("    </attributes>\n    <nodes>\n")
	_, err := w.WriteString("")
	return err
}

// describe says in words what an export holds.
func describe(m Meta) string {
	s := m.Selection
	if s.Whole() {
		d := "polgraph: the whole graph"
		if len(s.Types) > 0 {
			d += fmt.Sprintf(", relationships of types %v", s.Types)
		}
		if !s.AsOf.IsZero() {
			d += ", relationships valid as of " + s.AsOf.String()
		}
		return d
	}
	d := fmt.Sprintf("polgraph: network of %v", s.Seeds)
	if s.Depth != nil {
		d += fmt.Sprintf(", depth %d", *s.Depth)
	}
	if len(s.Types) > 0 {
		d += fmt.Sprintf(", types %v", s.Types)
	}
	if !s.AsOf.IsZero() {
		d += ", as of " + s.AsOf.String()
	}
	if m.Truncated {
		d += " (truncated by the node limit)"
	}
	return d
}

func (g *gexfWriter) attvalue(key, value string) {
	if value == "" {
		return
	}
	g.w.WriteString(`<attvalue for="` + key + `" value="`)
	xmlText(g.w, value)
	g.w.WriteString(`"/>`)
}

func (g *gexfWriter) Node(e kg.Entity) error {
	g.w.WriteString(`      <node id="`)
	xmlText(g.w, e.ID)
	g.w.WriteString(`" label="`)
	xmlText(g.w, e.Name)
	g.w.WriteString(`"><attvalues>`)
	for _, p := range nodeProps(&e) {
		if p.IsList {
			g.attvalue(p.Key, jsonList(p.List, len(p.List)))
		} else {
			g.attvalue(p.Key, p.Value)
		}
	}
	_, err := g.w.WriteString("</attvalues></node>\n")
	return err
}

// isoDay formats a YYYYMMDD ordinal as YYYY-MM-DD.
func isoDay(ord int) string {
	return fmt.Sprintf("%04d-%02d-%02d", ord/10000, ord/100%100, ord%100)
}

func (g *gexfWriter) Edge(e Edge) error {
	if !g.edges {
		g.w.WriteString("    </nodes>\n    <edges>\n")
		g.edges = true
	}
	g.w.WriteString(`      <edge id="`)
	xmlText(g.w, e.ID)
	g.w.WriteString(`" source="`)
	xmlText(g.w, e.From)
	g.w.WriteString(`" target="`)
	xmlText(g.w, e.To)
	g.w.WriteString(`" label="` + string(e.Type) + `"`)
	if !e.Since.IsZero() {
		g.w.WriteString(` start="` + isoDay(e.Since.Lo()) + `"`)
	}
	if !e.Until.IsZero() {
		g.w.WriteString(` end="` + isoDay(e.Until.Hi()) + `"`)
	}
	g.w.WriteString(`><attvalues>`)
	g.attvalue("type", string(e.Type))
	g.attvalue("role", clean(e.Role))
	g.attvalue("since", e.Since.String())
	g.attvalue("until", e.Until.String())
	g.attvalue("sources", strconv.Itoa(e.Relationship.Sources()))
	g.attvalue("evidence", jsonList(cleanSources(e.Sources), len(e.Sources)))
	g.attvalue("attributes", jsonList(cleanAttributes(e.Attributes), len(e.Attributes)))
	if e.Unsupported {
		g.attvalue("unsupported", "true")
	}
	_, err := g.w.WriteString("</attvalues></edge>\n")
	return err
}

func (g *gexfWriter) End() error {
	if !g.edges {
		g.w.WriteString("    </nodes>\n    <edges>\n")
	}
	g.w.WriteString("    </edges>\n  </graph>\n</gexf>\n")
	return g.w.Flush()
}
