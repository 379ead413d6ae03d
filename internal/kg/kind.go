package kg

import "fmt"

// Kind is what an entity is. The spelling is the GraphQL EntityKind enum's.
type Kind string

const (
	Person       Kind = "PERSON"
	Organization Kind = "ORGANIZATION"
	Country      Kind = "COUNTRY"
	Article      Kind = "ARTICLE"
	Allegation   Kind = "ALLEGATION"
	Event        Kind = "EVENT"
	Statement    Kind = "STATEMENT"
	// Dataset is a source of imported records (a Popolo or FtM file, a
	// spreadsheet): evidence and entity sources name it as articles are
	// named. It is an endpoint of no relationship type but MENTIONS,
	// ABOUT and RELATED_TO (see rules in relationship.go).
	Dataset Kind = "DATASET"
)

// Kinds lists every entity kind in a fixed order.
var Kinds = []Kind{Person, Organization, Country, Article, Allegation, Event, Statement, Dataset}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Actor reports whether entities of kind k can act: hold positions, be
// accused, make statements. Persons, organizations and countries are actors.
func (k Kind) Actor() bool { return k == Person || k == Organization || k == Country }

// Label is the kind's name in CamelCase ("Person"): the GraphQL type name and
// the Neo4j node label.
func (k Kind) Label() string {
	switch k {
	case Person:
		return "Person"
	case Organization:
		return "Organization"
	case Country:
		return "Country"
	case Article:
		return "Article"
	case Allegation:
		return "Allegation"
	case Event:
		return "Event"
	case Statement:
		return "Statement"
	case Dataset:
		return "Dataset"
	}
	return ""
}

// ParseKind accepts a kind by its enum spelling or its label.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s || k.Label() == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown entity kind %q (want one of %v)", s, Kinds)
}

// OrgClass classifies an organization.
type OrgClass string

const (
	Party             OrgClass = "PARTY"
	Legislature       OrgClass = "LEGISLATURE"
	Government        OrgClass = "GOVERNMENT"
	Ministry          OrgClass = "MINISTRY"
	DiplomaticMission OrgClass = "DIPLOMATIC_MISSION"
	Company           OrgClass = "COMPANY"
	MediaOutlet       OrgClass = "MEDIA_OUTLET"
	Court             OrgClass = "COURT"
	Agency            OrgClass = "AGENCY"
	OtherOrg          OrgClass = "OTHER"
)

// OrgClasses lists every organization classification.
var OrgClasses = []OrgClass{Party, Legislature, Government, Ministry, DiplomaticMission, Company, MediaOutlet, Court, Agency, OtherOrg}

// Valid reports whether c is one of OrgClasses.
func (c OrgClass) Valid() bool {
	for _, x := range OrgClasses {
		if x == c {
			return true
		}
	}
	return false
}

// AllegationStatus is where an allegation stands.
type AllegationStatus string

const (
	Alleged   AllegationStatus = "ALLEGED"
	Denied    AllegationStatus = "DENIED"
	Confirmed AllegationStatus = "CONFIRMED"
	Dismissed AllegationStatus = "DISMISSED"
	Retracted AllegationStatus = "RETRACTED"
)

// AllegationStatuses lists every allegation status.
var AllegationStatuses = []AllegationStatus{Alleged, Denied, Confirmed, Dismissed, Retracted}

// Valid reports whether s is one of AllegationStatuses.
func (s AllegationStatus) Valid() bool {
	for _, x := range AllegationStatuses {
		if x == s {
			return true
		}
	}
	return false
}
