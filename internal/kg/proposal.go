package kg

import "time"

// Proposals are what extraction reads in an article (internal/extract):
// an entity or a relationship the article asserts, with the passage that
// supports it, waiting for an analyst to accept or reject it. Accepted
// proposals become ordinary entities and relationships with evidence;
// rejected ones are remembered, so re-reading the article does not
// propose them again.

// ProposalKind says what a proposal proposes.
type ProposalKind string

const (
	ProposeEntity       ProposalKind = "ENTITY"
	ProposeRelationship ProposalKind = "RELATIONSHIP"
)

// ProposalStatus is where a proposal is in review.
type ProposalStatus string

const (
	ProposalPending  ProposalStatus = "PENDING"
	ProposalAccepted ProposalStatus = "ACCEPTED"
	ProposalRejected ProposalStatus = "REJECTED"
)

// Proposal is one thing an extractor read in an article.
type Proposal struct {
	// ID is stable: the same article, kind and content give the same id
	// (so re-ingesting finds earlier decisions).
	ID      string       `json:"id"`
	Article string       `json:"article"` // id of the ARTICLE entity
	Kind    ProposalKind `json:"kind"`

	// ENTITY: the entity a mention stands for. LinkedTo is the existing
	// entity the mention was linked to ("" when a new one is proposed).
	Entity   *Entity `json:"entity,omitempty"`
	LinkedTo string  `json:"linkedTo,omitempty"`

	// RELATIONSHIP: its ends are ids of existing entities or of the
	// Entity of ENTITY proposals of the same article.
	Relationship *Relationship `json:"relationship,omitempty"`

	// The supporting passage and its character (rune) offsets in the
	// article's text, [Start, End).
	Quote string `json:"quote"`
	Start int    `json:"start"`
	End   int    `json:"end"`

	Rule       string  `json:"rule"`       // the rule or model that produced it
	Confidence float64 `json:"confidence"` // 0..1

	Status    ProposalStatus `json:"status"`
	DecidedBy string         `json:"decidedBy,omitempty"`
	DecidedAt time.Time      `json:"decidedAt,omitzero"`
}
