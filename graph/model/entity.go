package model

import "github.com/polgraph/polgraph/internal/kg"

// Node is the GraphQL Node interface: anything with a global id.
type Node interface {
	isNode()
}

// Entity is the GraphQL Entity interface, implemented by one wrapper type
// per kind. Domain returns the wrapped domain entity.
type Entity interface {
	Node
	Domain() *kg.Entity
}

// base carries what every kind shares. Its methods shadow kg.Entity fields
// whose GraphQL form differs (an empty string is null in the API).
type base struct {
	kg.Entity
	brief bool // read without the article's text (kg.Store.EntityHeads)
}

// Brief reports whether the entity was read without its article text.
func (b *base) Brief() bool { return b.brief }

func (b *base) isNode() {}

// Domain is the wrapped entity itself, not a copy: the wrappers are built
// once per entity and request, and the response path only reads them.
func (b *base) Domain() *kg.Entity { return &b.Entity }

// Description is the description, or nil when there is none.
func (b *base) Description() *string { return optional(b.Entity.Description) }

// Person is a PERSON entity.
type Person struct{ base }

// Organization is an ORGANIZATION entity.
type Organization struct{ base }

// Classification is the organization's classification, nil when unset.
func (o *Organization) Classification() *kg.OrgClass {
	if o.Entity.Classification == "" {
		return nil
	}
	c := o.Entity.Classification
	return &c
}

// Country is a COUNTRY entity.
type Country struct{ base }

// CountryCode is the ISO code, nil when unknown.
func (c *Country) CountryCode() *string { return optional(c.Entity.CountryCode) }

// Article is an ARTICLE entity.
type Article struct{ base }

// URL is the article's address, nil when unknown.
func (a *Article) URL() *string { return optional(a.Entity.URL) }

// Allegation is an ALLEGATION entity.
type Allegation struct{ base }

// Event is an EVENT entity.
type Event struct{ base }

// EventType is the sort of event, nil when not given.
func (e *Event) EventType() *string { return optional(e.Entity.EventType) }

// Statement is a STATEMENT entity.
type Statement struct{ base }

// Gender is the person's gender, nil when unknown.
func (p *Person) Gender() *string { return optional(p.Entity.Gender) }

// Dataset is a DATASET entity: a source of imported records.
type Dataset struct{ base }

// URL is where the dataset is published, nil when unknown.
func (d *Dataset) URL() *string { return optional(d.Entity.URL) }

// Publisher is who publishes the dataset, nil when unknown.
func (d *Dataset) Publisher() *string { return optional(d.Entity.Publisher) }

// Licence is the dataset's licence, nil when unknown.
func (d *Dataset) Licence() *string { return optional(d.Entity.Licence) }

// FromEntity wraps a domain entity in the GraphQL type of its kind. The
// wrappers are pointers, so that marshaling one never copies the entity.
func FromEntity(e kg.Entity) Entity { return wrap(base{Entity: e}) }

// FromHead wraps an entity read without its article text: Article.text
// then reads the whole article.
func FromHead(e kg.Entity) Entity { return wrap(base{Entity: e, brief: true}) }

func wrap(b base) Entity {
	e := b.Entity
	switch e.Kind {
	case kg.Person:
		return &Person{b}
	case kg.Organization:
		return &Organization{b}
	case kg.Country:
		return &Country{b}
	case kg.Article:
		return &Article{b}
	case kg.Allegation:
		return &Allegation{b}
	case kg.Event:
		return &Event{b}
	case kg.Statement:
		return &Statement{b}
	case kg.Dataset:
		return &Dataset{b}
	}
	// A store holds only valid kinds; an unknown one is a bug upstream and
	// surfaces as a GraphQL error (no implementor matches) rather than a panic.
	return nil
}

// FromEntities wraps a slice of domain entities.
func FromEntities(list []kg.Entity) []Entity {
	out := make([]Entity, 0, len(list))
	for _, e := range list {
		if w := FromEntity(e); w != nil {
			out = append(out, w)
		}
	}
	return out
}

// Optional returns nil for the empty string, else a pointer to s.
func Optional(s string) *string { return optional(s) }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
