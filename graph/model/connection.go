package model

import "github.com/polgraph/polgraph/internal/kg"

// PageInfo is Relay's page information.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// EntityConnection is a page of entities. Scored pages (search) expose each
// hit's score.
type EntityConnection struct {
	Page   kg.EntityPage
	After  string // the cursor the page was asked after
	Scored bool
}

// EntityEdge is one entity of a page.
type EntityEdge struct {
	Cursor string
	Node   Entity
	Score  *float64
}

// Edges returns the page's entities wrapped in their kinds' types.
func (c EntityConnection) Edges() []EntityEdge {
	out := make([]EntityEdge, 0, len(c.Page.Edges))
	for _, e := range c.Page.Edges {
		w := FromEntity(e.Entity)
		if w == nil {
			continue
		}
		edge := EntityEdge{Cursor: e.Cursor, Node: w}
		if c.Scored {
			s := e.Score
			edge.Score = &s
		}
		out = append(out, edge)
	}
	return out
}

// PageInfo describes the page.
func (c EntityConnection) PageInfo() PageInfo {
	pi := PageInfo{HasNextPage: c.Page.HasNextPage, HasPreviousPage: c.After != ""}
	if n := len(c.Page.Edges); n > 0 {
		pi.StartCursor, pi.EndCursor = &c.Page.Edges[0].Cursor, &c.Page.Edges[n-1].Cursor
	}
	return pi
}

// TotalCount is the number of matches across all pages.
func (c EntityConnection) TotalCount() int { return c.Page.TotalCount }

// RelationshipConnection is a page of relationships. Edges are the page's
// relationships resolved for the query (graph.resolveRelationships).
type RelationshipConnection struct {
	Page  kg.RelationshipPage
	After string
	Edges []RelationshipEdge
}

// PageInfo describes the page.
func (c RelationshipConnection) PageInfo() PageInfo {
	pi := PageInfo{HasNextPage: c.Page.HasNextPage, HasPreviousPage: c.After != ""}
	if n := len(c.Page.Edges); n > 0 {
		pi.StartCursor, pi.EndCursor = &c.Page.Edges[0].Cursor, &c.Page.Edges[n-1].Cursor
	}
	return pi
}

// TotalCount is the number of matches across all pages.
func (c RelationshipConnection) TotalCount() int { return c.Page.TotalCount }

// Subgraph is a ready-to-draw piece of the graph.
type Subgraph struct {
	Nodes     []Entity
	Edges     []Relationship
	Truncated bool
}

// Path is a walk between two entities.
type Path struct {
	Length int
	Nodes  []Entity
	Edges  []Relationship
}

// Stats is how much the graph holds.
type Stats struct {
	Entities      int
	Relationships int
	ByKind        []KindCount
}

// KindCount is the number of entities of one kind.
type KindCount struct {
	Kind  kg.Kind
	Count int
}
