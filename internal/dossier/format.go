// Package dossier reads polgraph's curated-article format and loads it into
// the graph.
//
// A dossier is one article as a curator reads it: the article's metadata and
// text, the entities it involves, the relationships it asserts, and the
// allegations, events and statements it reports, each with the passage that
// supports it. Parse checks a dossier on its own and lists every problem
// with its JSON path; Ingest matches its entities against the graph (by
// explicit id, external identifier, URL, or kind and normalised name), turns
// it into one kg.Batch in which every relationship carries the article as
// evidence, and writes it atomically through kg.Service. The format is
// documented in docs/dossier.md; Schema returns its JSON Schema.
package dossier

import (
	"github.com/polgraph/polgraph/internal/kg"
)

// Dossier is one curated article. Keys are the dossier's own names for the
// things it talks about; every reference inside a dossier is by key, and
// Ingest maps keys to graph ids.
type Dossier struct {
	Schema        string         `json:"$schema,omitempty"` // lets editors find the JSON Schema; ignored
	ID            string         `json:"dossier"`
	Article       Article        `json:"article"`
	Entities      []Entity       `json:"entities,omitempty"`
	Relationships []Relationship `json:"relationships,omitempty"`
	Allegations   []Allegation   `json:"allegations,omitempty"`
	Events        []Event        `json:"events,omitempty"`
	Statements    []Statement    `json:"statements,omitempty"`
}

// Article is the article the dossier reads.
type Article struct {
	Key         string          `json:"key,omitempty"` // default "article"
	ID          string          `json:"id,omitempty"`  // default: matched by URL, else the dossier id
	Title       string          `json:"title"`
	Description string          `json:"description,omitempty"`
	URL         string          `json:"url,omitempty"`
	Outlet      string          `json:"outlet,omitempty"` // key of the media outlet
	Published   kg.Date         `json:"published,omitzero"`
	Language    string          `json:"language,omitempty"` // BCP 47 tag, e.g. "en"
	Identifiers []kg.Identifier `json:"identifiers,omitempty"`
	Text        string          `json:"text,omitempty"`
	Cites       []Link          `json:"cites,omitempty"` // sources the article cites
}

// Entity is an actor (person, organization, country) or another article the
// dossier refers to.
type Entity struct {
	Key         string          `json:"key"`
	ID          string          `json:"id,omitempty"`
	Kind        kg.Kind         `json:"kind"`
	Name        string          `json:"name"`
	Aliases     []string        `json:"aliases,omitempty"`
	Description string          `json:"description,omitempty"`
	Identifiers []kg.Identifier `json:"identifiers,omitempty"`
	// Quote is the passage that mentions the entity; by default the first
	// occurrence of its name or an alias in the article's text.
	Quote string `json:"quote,omitempty"`

	BirthDate      kg.Date     `json:"birthDate,omitzero"`       // PERSON
	Classification kg.OrgClass `json:"classification,omitempty"` // ORGANIZATION
	CountryCode    string      `json:"countryCode,omitempty"`    // COUNTRY
	Title          string      `json:"title,omitempty"`          // ARTICLE
	URL            string      `json:"url,omitempty"`            // ARTICLE
	Published      kg.Date     `json:"published,omitzero"`       // ARTICLE
}

// Relationship is a tie the article asserts between two keys.
type Relationship struct {
	ID         string     `json:"id,omitempty"` // only to keep two spells of the same tie apart
	From       string     `json:"from"`
	Type       kg.RelType `json:"type"`
	To         string     `json:"to"`
	Role       string     `json:"role,omitempty"`
	Since      kg.Date    `json:"since,omitzero"`
	Until      kg.Date    `json:"until,omitzero"`
	Quote      string     `json:"quote,omitempty"`
	Confidence *float64   `json:"confidence,omitempty"` // default 1
}

// Link ties an allegation, event, statement or the article to an entity:
// an accused, a participant, a speaker, a cited source. Its quote and
// confidence default to those of the item it belongs to.
type Link struct {
	Key        string   `json:"key"`
	Role       string   `json:"role,omitempty"`
	Quote      string   `json:"quote,omitempty"`
	Confidence *float64 `json:"confidence,omitempty"`
}

// Allegation is a claim against one or more actors that the article reports.
type Allegation struct {
	Key         string              `json:"key"`
	ID          string              `json:"id,omitempty"`
	Name        string              `json:"name,omitempty"` // default: the summary
	Aliases     []string            `json:"aliases,omitempty"`
	Description string              `json:"description,omitempty"`
	Identifiers []kg.Identifier     `json:"identifiers,omitempty"`
	Summary     string              `json:"summary"`
	Status      kg.AllegationStatus `json:"status,omitempty"` // default ALLEGED
	Quote       string              `json:"quote,omitempty"`
	Confidence  *float64            `json:"confidence,omitempty"`
	Accused     []Link              `json:"accused,omitempty"`    // actor ACCUSED_IN allegation
	Involved    []Link              `json:"involved,omitempty"`   // actor INVOLVED_IN allegation
	ReportedBy  []Link              `json:"reportedBy,omitempty"` // allegation REPORTED_BY outlet, article or person
	DeniedBy    []Link              `json:"deniedBy,omitempty"`   // actor DENIED allegation
}

// Event is something that happened, with who took part.
type Event struct {
	Key          string          `json:"key"`
	ID           string          `json:"id,omitempty"`
	Name         string          `json:"name"`
	Aliases      []string        `json:"aliases,omitempty"`
	Description  string          `json:"description,omitempty"`
	Identifiers  []kg.Identifier `json:"identifiers,omitempty"`
	EventType    string          `json:"eventType,omitempty"`
	Date         kg.Date         `json:"date,omitzero"`
	Quote        string          `json:"quote,omitempty"`
	Confidence   *float64        `json:"confidence,omitempty"`
	Participants []Link          `json:"participants,omitempty"` // actor PARTICIPATED_IN event
	About        []Link          `json:"about,omitempty"`        // event ABOUT entity
	ReportedBy   []Link          `json:"reportedBy,omitempty"`   // event REPORTED_BY outlet, article or person
}

// Statement is something an actor said, quoted.
type Statement struct {
	Key         string          `json:"key"`
	ID          string          `json:"id,omitempty"`
	Name        string          `json:"name,omitempty"` // default: the quote
	Aliases     []string        `json:"aliases,omitempty"`
	Description string          `json:"description,omitempty"`
	Identifiers []kg.Identifier `json:"identifiers,omitempty"`
	Quote       string          `json:"quote"` // the words said
	Date        kg.Date         `json:"date,omitzero"`
	Confidence  *float64        `json:"confidence,omitempty"`
	Speaker     *Link           `json:"speaker,omitempty"`    // speaker STATED statement
	About       []Link          `json:"about,omitempty"`      // statement ABOUT entity
	ReportedBy  []Link          `json:"reportedBy,omitempty"` // statement REPORTED_BY outlet, article or person
}

// DefaultArticleKey is the article's key when the dossier gives none.
const DefaultArticleKey = "article"

// DefaultConfidence is the confidence of evidence whose dossier item gives
// none: a curator's reading is taken as certain.
const DefaultConfidence = 1.0
