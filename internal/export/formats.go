package export

import (
	"io"
	"mime"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// Format is one export format. The first extension and MIME type are the
// ones polgraph writes; the others are also recognised when choosing.
type Format struct {
	Name        string
	Exts        []string // with the dot, longest match wins (".ftm.json" before ".json")
	MIMEs       []string
	Description string
	// Archive is true when the format is several files; over one stream
	// (HTTP, a .zip file, stdout) they are a zip archive.
	Archive bool
	// New returns the format's writer over one stream.
	New func(io.Writer) Writer
}

// Ext is the extension polgraph gives the format's files.
func (f *Format) Ext() string { return f.Exts[0] }

// MIME is the Content-Type polgraph serves the format with.
func (f *Format) MIME() string { return f.MIMEs[0] }

// Formats lists every format, in the order they are offered.
var Formats = []*Format{
	{
		Name: "graphml", Exts: []string{".graphml"}, MIMEs: []string{"application/graphml+xml"},
		Description: "GraphML 1.0, for Gephi, NetworkX, Cytoscape and yEd",
		New:         newGraphML,
	},
	{
		Name: "gexf", Exts: []string{".gexf"}, MIMEs: []string{"application/gexf+xml"},
		Description: "GEXF 1.3 with edge start/end dates, for Gephi's timeline",
		New:         newGEXF,
	},
	{
		Name: "cytoscape", Exts: []string{".cyjs", ".cy.json"}, MIMEs: []string{"application/vnd.cytoscape+json"},
		Description: "Cytoscape.js JSON (elements with data), for Cytoscape.js and Cytoscape desktop",
		New:         newCytoscape,
	},
	{
		Name: "csv", Exts: []string{".zip", ".csv"}, MIMEs: []string{"application/zip", "text/csv"},
		Description: "nodes.csv and relationships.csv in the neo4j-admin import layout",
		Archive:     true,
		New:         newCSVZip,
	},
	{
		Name: "ftm", Exts: []string{".ftm.json", ".ftm", ".ijson"}, MIMEs: []string{"application/x-ndjson", "application/vnd.followthemoney+json"},
		Description: "FollowTheMoney entities, one JSON object per line, for Aleph and the ftm tools",
		New:         newFtM,
	},
	{
		Name: "json", Exts: []string{".json"}, MIMEs: []string{"application/json"},
		Description: "the Subgraph shape of the GraphQL API: nodes and edges with every field",
		New:         newJSON,
	},
	{
		Name: "polgraph", Exts: []string{".polgraph.jsonl"}, MIMEs: []string{"application/vnd.polgraph+jsonl"},
		Description: "every entity and relationship exactly as stored, one JSON object a line, for polgraph copy",
		New:         newDump,
	},
}

// Names returns the format names.
func Names() []string {
	out := make([]string, len(Formats))
	for i, f := range Formats {
		out[i] = f.Name
	}
	return out
}

// ByName finds a format by its name (case-insensitive).
func ByName(name string) (*Format, bool) {
	for _, f := range Formats {
		if strings.EqualFold(f.Name, strings.TrimSpace(name)) {
			return f, true
		}
	}
	return nil, false
}

// ByFilename finds a format by a file name's extension; the longest
// matching extension wins.
func ByFilename(name string) (*Format, bool) {
	name = strings.ToLower(name)
	var best *Format
	n := 0
	for _, f := range Formats {
		for _, ext := range f.Exts {
			if strings.HasSuffix(name, ext) && len(ext) > n {
				best, n = f, len(ext)
			}
		}
	}
	return best, best != nil
}

// ByMIME finds a format by a media type (parameters ignored).
func ByMIME(mt string) (*Format, bool) {
	if t, _, err := mime.ParseMediaType(mt); err == nil {
		mt = t
	}
	for _, f := range Formats {
		for _, m := range f.MIMEs {
			if strings.EqualFold(m, mt) {
				return f, true
			}
		}
	}
	return nil, false
}

// Lookup finds a format by name, then extension (".gexf" or "x.gexf"),
// then MIME type.
func Lookup(s string) (*Format, bool) {
	if f, ok := ByName(s); ok {
		return f, true
	}
	if strings.Contains(s, ".") && !strings.Contains(s, "/") {
		if f, ok := ByFilename(s); ok {
			return f, true
		}
	}
	return ByMIME(s)
}

// unknownFormat is the error for a format nothing matches.
func unknownFormat(op, path, s string) error {
	return kg.Invalidf(op, path, "unknown format %q; want one of %s (or a file extension or MIME type of one)", s, strings.Join(Names(), ", "))
}
