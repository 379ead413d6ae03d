// Package ftm is polgraph's view of the FollowTheMoney data model (the
// model OpenSanctions and Aleph publish entities in): the schemata and
// properties of the real model, generated from the followthemoney
// package's schema YAML (model_gen.go), and the mapping between FtM
// entities and polgraph's entities and relationships, both ways
// (mapping.go). The importer (internal/importer/ftm) and the exporter
// (internal/export) share it, so that what one writes the other reads.
package ftm

//go:generate go run ./gen -o model_gen.go

import "slices"

// Schema is one FtM schema, with its parents' properties flattened in.
type Schema struct {
	Name       string
	Extends    []string
	Ancestors  []string // itself and every parent, sorted
	Abstract   bool
	Edge       *Edge // set for schemata drawn as edges (Ownership, Family, ...)
	Required   []string
	Properties map[string]Property
}

// Edge names the properties that hold an edge schema's two ends.
type Edge struct{ Source, Target string }

// Property is one property of a schema: its FtM type ("name", "date",
// "entity", ...) and, for entity properties, the schema its values must be.
type Property struct {
	Type      string
	Range     string
	MaxLength int // 0: the type's
}

// SchemaByName returns a schema of the model.
func SchemaByName(name string) (*Schema, bool) {
	s, ok := schemata[name]
	return s, ok
}

// Is reports whether the schema is ancestor or descends from it.
func (s *Schema) Is(ancestor string) bool {
	_, ok := slices.BinarySearch(s.Ancestors, ancestor)
	return ok
}

// Property returns one of the schema's properties.
func (s *Schema) Property(name string) (Property, bool) {
	p, ok := s.Properties[name]
	return p, ok
}
