package model

import (
	"time"

	"github.com/polgraph/polgraph/internal/kg"
)

// Relationship is a relationship as the API serves it: the domain record
// with what its fields point at already resolved, in one batch where the
// list it belongs to was resolved (graph.resolveRelationships). gqlgen then
// treats from, to and evidence as plain fields: no resolver, no goroutine
// and no dataloader wait per field.
type Relationship struct {
	kg.Relationship
	// FromEntity and ToEntity are the ends; nil only when the query asked
	// for neither.
	FromEntity, ToEntity Entity
	// EvidenceList is the evidence with its articles; nil only when the query
	// did not ask for evidence.
	EvidenceList []Evidence
}

// OptionalRole is the role, nil when there is none.
func (r *Relationship) OptionalRole() *string { return optional(r.Role) }

// Evidence is one piece of evidence with its article or dataset resolved.
type Evidence struct {
	kg.Evidence
	ArticleEntity *Article
	DatasetEntity *Dataset
}

// OptionalQuote is the quote, nil when there is none.
func (e *Evidence) OptionalQuote() *string { return optional(e.Quote) }

// OptionalRecord is the dataset record's id, nil for an article's evidence.
func (e *Evidence) OptionalRecord() *string { return optional(e.Record) }

// OptionalFile is the file the record was read from, nil when unknown.
func (e *Evidence) OptionalFile() *string { return optional(e.File) }

// OptionalImported is when the record was imported, nil when unknown.
func (e *Evidence) OptionalImported() *time.Time {
	if e.Imported.IsZero() {
		return nil
	}
	t := e.Imported
	return &t
}

// RelationshipEdge is one relationship of a page.
type RelationshipEdge struct {
	Cursor string
	Node   Relationship
}
