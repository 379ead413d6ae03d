package export

import (
	"encoding/json"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// prop is one property of a node or edge as the flat formats (GraphML,
// GEXF, CSV) hold it: a string, or a list of strings.
type prop struct {
	Key    string
	Value  string
	List   []string
	IsList bool
}

// nodeKeys are the node properties of the flat formats, in order. They are
// fixed so that GraphML and GEXF can declare them before the first node of
// a streamed export. An article's text is left out of the flat formats (it
// can be a megabyte); the json format keeps it.
var nodeKeys = []prop{
	{Key: "kind"}, {Key: "name"}, {Key: "aliases", IsList: true}, {Key: "description"},
	{Key: "identifiers", IsList: true}, {Key: "birthDate"}, {Key: "classification"},
	{Key: "countryCode"}, {Key: "title"}, {Key: "url"}, {Key: "outlet"}, {Key: "published"},
	{Key: "summary"}, {Key: "status"}, {Key: "date"}, {Key: "eventType"}, {Key: "quote"},
	{Key: "speaker"},
	// Provenance: attributes and sources are JSON arrays of objects
	// ({"name","value"}, {"dataset","record","file","imported"}).
	{Key: "deathDate"}, {Key: "gender"}, {Key: "publisher"}, {Key: "licence"}, {Key: "retrieved"},
	{Key: "attributes"}, {Key: "sources"},
}

// nodeProps returns e's properties in nodeKeys order; empty ones are "".
func nodeProps(e *kg.Entity) []prop {
	vals := []string{
		string(e.Kind), e.Name, "", e.Description, "", e.BirthDate.String(), string(e.Classification),
		e.CountryCode, e.Title, e.URL, e.Outlet, e.Published.String(),
		e.Summary, string(e.Status), e.Date.String(), e.EventType, e.Quote,
		e.Speaker,
		e.DeathDate.String(), e.Gender, e.Publisher, e.Licence, e.Retrieved.String(),
		jsonList(cleanAttributes(e.Attributes), len(e.Attributes)), jsonList(cleanEntitySources(e.Sources), len(e.Sources)),
	}
	out := make([]prop, len(nodeKeys))
	for i, k := range nodeKeys {
		out[i] = prop{Key: k.Key, Value: clean(vals[i]), IsList: k.IsList}
	}
	out[2].List = cleanAll(e.Aliases)
	out[4].List = identifiers(e.Identifiers)
	return out
}

func cleanAll(list []string) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = clean(s)
	}
	return out
}

// jsonList renders a list as a JSON array, the way GraphML and GEXF (which
// have no list type) carry lists; an empty list is "".
func jsonList(v any, n int) string {
	if n == 0 {
		return ""
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// cleanSources returns the sources with every string cleaned.
func cleanSources(src []Source) []Source {
	out := make([]Source, len(src))
	for i, s := range src {
		s.Article, s.Title, s.URL, s.Outlet, s.Quote = clean(s.Article), clean(s.Title), clean(s.URL), clean(s.Outlet), clean(s.Quote)
		s.Dataset, s.Record, s.File = clean(s.Dataset), clean(s.Record), clean(s.File)
		out[i] = s
	}
	return out
}

// cleanAttributes returns attributes with every string cleaned.
func cleanAttributes(attrs []kg.Attribute) []kg.Attribute {
	if attrs == nil {
		return nil
	}
	out := make([]kg.Attribute, len(attrs))
	for i, a := range attrs {
		out[i] = kg.Attribute{Name: clean(a.Name), Value: clean(a.Value)}
	}
	return out
}

// cleanEntitySources returns an entity's sources with every string cleaned.
func cleanEntitySources(src []kg.Source) []kg.Source {
	if src == nil {
		return nil
	}
	out := make([]kg.Source, len(src))
	for i, s := range src {
		s.Dataset, s.Record, s.File = clean(s.Dataset), clean(s.Record), clean(s.File)
		out[i] = s
	}
	return out
}
