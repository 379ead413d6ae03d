package export

import (
	"bufio"
	"io"
	"strconv"

	"github.com/polgraph/polgraph/internal/kg"
)

// graphmlWriter writes GraphML 1.0. Keys are declared up front from the
// fixed property lists, so a whole-graph export can stream; every node
// comes before every edge. Lists (aliases, identifiers) and evidence are
// JSON arrays in string attributes, since GraphML has no list type.
type graphmlWriter struct {
	w *bufio.Writer
}

func newGraphML(w io.Writer) Writer { return &graphmlWriter{w: bufio.NewWriter(w)} }

// edgeKeys are the GraphML/GEXF edge attributes, in order.
var edgeKeys = []struct{ Key, Type string }{
	{"type", "string"}, {"role", "string"}, {"since", "string"}, {"until", "string"},
	{"sources", "int"}, {"evidence", "string"}, {"attributes", "string"}, {"unsupported", "boolean"},
}

func (g *graphmlWriter) Begin(m Meta) error {
	w := g.w
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.WriteString(`<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n")
	w.WriteString(`  <key id="d_label" for="node" attr.name="label" attr.type="string"/>` + "\n")
	w.WriteString(`  <key id="d_id" for="node" attr.name="id" attr.type="string"/>` + "\n")
	for _, k := range nodeKeys {
		w.WriteString(`  <key id="n_` + k.Key + `" for="node" attr.name="` + k.Key + `" attr.type="string"/>` + "\n")
	}
	w.WriteString(`  <key id="e_label" for="edge" attr.name="label" attr.type="string"/>` + "\n")
	w.WriteString(`  <key id="e_id" for="edge" attr.name="id" attr.type="string"/>` + "\n")
	for _, k := range edgeKeys {
		w.WriteString(`  <key id="e_` + k.Key + `" for="edge" attr.name="` + k.Key + `" attr.type="` + k.Type + `"/>` + "\n")
	}
	w.WriteString(`  <key id="g_truncated" for="graph" attr.name="truncated" attr.type="boolean"/>` + "\n")
	w.WriteString(`  <graph id="polgraph" edgedefault="directed">` + "\n")
	w.WriteString(`    <data key="g_truncated">` + strconv.FormatBool(m.Truncated) + "</data>\n")
	_, err := w.WriteString("")
	return err
}

func (g *graphmlWriter) data(key, value string) {
	if value == "" {
		return
	}
	g.w.WriteString(`<data key="` + key + `">`)
	xmlText(g.w, value)
	g.w.WriteString(`</data>`)
}

func (g *graphmlWriter) Node(e kg.Entity) error {
	id := nmtoken(e.ID)
	g.w.WriteString(`    <node id="` + id + `">`)
	g.data("d_label", e.Name)
	if id != e.ID {
		g.data("d_id", e.ID)
	}
	for _, p := range nodeProps(&e) {
		if p.IsList {
			g.data("n_"+p.Key, jsonList(p.List, len(p.List)))
		} else {
			g.data("n_"+p.Key, p.Value)
		}
	}
	_, err := g.w.WriteString("</node>\n")
	return err
}

func (g *graphmlWriter) Edge(e Edge) error {
	id := nmtoken(e.ID)
	g.w.WriteString(`    <edge id="` + id + `" source="` + nmtoken(e.From) + `" target="` + nmtoken(e.To) + `">`)
	g.data("e_label", string(e.Type))
	if id != e.ID {
		g.data("e_id", e.ID)
	}
	g.data("e_type", string(e.Type))
	g.data("e_role", e.Role)
	g.data("e_since", e.Since.String())
	g.data("e_until", e.Until.String())
	g.data("e_sources", strconv.Itoa(e.Relationship.Sources()))
	g.data("e_evidence", jsonList(cleanSources(e.Sources), len(e.Sources)))
	g.data("e_attributes", jsonList(cleanAttributes(e.Attributes), len(e.Attributes)))
	if e.Unsupported {
		g.data("e_unsupported", "true")
	}
	_, err := g.w.WriteString("</edge>\n")
	return err
}

func (g *graphmlWriter) End() error {
	g.w.WriteString("  </graph>\n</graphml>\n")
	return g.w.Flush()
}
