// Package export writes parts of the knowledge graph in the file formats
// researchers load into other tools: GraphML (Gephi, NetworkX, Cytoscape,
// yEd), GEXF 1.3 (Gephi, with time), Cytoscape.js JSON, CSV in the
// neo4j-admin import layout, FollowTheMoney entity JSON lines, and plain JSON.
//
// There is one export core and one Writer per format. The core selects what
// to export (the whole graph, or the network around seeds, exactly as the
// GraphQL network query does), resolves each relationship's evidence to the
// articles' titles and URLs, and feeds the writer node by node and then edge
// by edge, so an export of the whole graph streams from the store instead of
// being built in memory first. Formats are listed in one table (Formats) and
// are found by name, file extension or MIME type.
//
// Three transports use the core: Handler serves GET /export, RunCLI is the
// "polgraph export" command, and the web page downloads through Handler.
package export
