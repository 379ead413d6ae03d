package ftm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Entity is one FtM entity in its JSON form: {"id", "schema",
// "properties": {"name": [...]}} and, from OpenSanctions and Aleph, more
// top-level keys (caption, datasets, referents, first_seen, ...), kept in
// Extra as they came.
type Entity struct {
	ID         string
	Schema     string
	Caption    string
	Properties map[string][]string
	Extra      map[string]json.RawMessage
	// Kept are entities an export kept in the bucket (BucketKey) of this
	// one because FtM would reject them on their own.
	Kept []*Entity
	// Record is the polgraph record an export wrote in the bucket of an
	// entity or relationship that no FtM import made (an article-built
	// one): the importer restores it from there (see NativeRecord).
	Record json.RawMessage
	// Part, from the bucket, names the polgraph relationship this entity
	// was written for (the Position of an office): it is read back with
	// the relationship's Record, not on its own.
	Part string
}

// Unsupported lists what of the entity is outside the FtM model
// ModelVersion: its schema ("Schema") or its properties ("Schema.prop").
func (e *Entity) Unsupported() []string {
	s, ok := SchemaByName(e.Schema)
	if !ok {
		return []string{e.Schema}
	}
	var out []string
	for name := range e.Properties {
		if _, ok := s.Property(name); !ok {
			out = append(out, e.Schema+"."+name)
		}
	}
	sort.Strings(out)
	return out
}

// MaxLineLen bounds one entity's JSON line.
const MaxLineLen = 8 << 20

// Parse decodes one line of an FtM file. Errors name the field at fault.
func Parse(line []byte) (*Entity, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(line, &raw); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", jsonReason(err))
	}
	e := &Entity{Properties: map[string][]string{}}
	str := func(key string, into *string, required bool) error {
		v, ok := raw[key]
		delete(raw, key)
		if !ok || string(v) == "null" {
			if required {
				return fmt.Errorf("%s: missing", key)
			}
			return nil
		}
		if err := json.Unmarshal(v, into); err != nil {
			return fmt.Errorf("%s: must be a string", key)
		}
		if required && strings.TrimSpace(*into) == "" {
			return fmt.Errorf("%s: must not be empty", key)
		}
		return nil
	}
	if err := str("id", &e.ID, true); err != nil {
		return nil, err
	}
	if err := str("schema", &e.Schema, true); err != nil {
		return nil, err
	}
	if err := str("caption", &e.Caption, false); err != nil {
		return nil, err
	}
	// A schema or a property outside the model (a newer FtM's, a
	// publisher's own) is kept, not refused: its values go where the
	// model's unknown values go (attributes, the bucket on export), and
	// Unsupported says it is not the model's.
	s, known := SchemaByName(e.Schema)
	if !known {
		s = &Schema{Name: e.Schema}
	}
	if s.Abstract {
		return nil, fmt.Errorf("schema: %q is abstract", e.Schema)
	}
	if v, ok := raw["properties"]; ok && string(v) != "null" {
		var props map[string]json.RawMessage
		if err := json.Unmarshal(v, &props); err != nil {
			return nil, fmt.Errorf("properties: must be an object")
		}
		for name, pv := range props {
			if strings.TrimSpace(name) == "" {
				return nil, fmt.Errorf("properties: a property with an empty name")
			}
			var vals []string
			if err := json.Unmarshal(pv, &vals); err != nil {
				var one string
				if json.Unmarshal(pv, &one) != nil {
					return nil, fmt.Errorf("properties.%s: must be a list of strings", name)
				}
				vals = []string{one}
			}
			vals = dedupeValues(vals)
			if len(vals) > 0 {
				e.Properties[name] = vals
			}
		}
	}
	delete(raw, "properties")
	if v, ok := raw[BucketKey]; ok {
		delete(raw, BucketKey)
		var b Bucket
		if err := json.Unmarshal(v, &b); err != nil {
			return nil, fmt.Errorf("%s: must be an object of properties and entities", BucketKey)
		}
		if len(b.Record) > 0 {
			e.Record = b.Record
		}
		e.Part = b.Part
		for name, vs := range b.Properties {
			if strings.TrimSpace(name) == "" {
				return nil, fmt.Errorf("%s.properties: a property with an empty name", BucketKey)
			}
			e.Properties[name] = dedupeValues(append(e.Properties[name], vs...))
			if len(e.Properties[name]) == 0 {
				delete(e.Properties, name)
			}
		}
		for i, raw := range b.Entities {
			k, err := Parse(raw)
			if err != nil {
				return nil, fmt.Errorf("%s.entities[%d].%v", BucketKey, i, err)
			}
			e.Kept = append(e.Kept, k)
		}
	}
	if len(raw) > 0 {
		e.Extra = raw
		for k, v := range raw {
			var buf bytes.Buffer
			if err := json.Compact(&buf, v); err == nil {
				raw[k] = buf.Bytes()
			}
		}
	}
	return e, nil
}

func jsonReason(err error) string {
	if se, ok := err.(*json.SyntaxError); ok {
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	}
	return err.Error()
}

// dedupeValues drops empty and repeated values, keeping the first of each.
func dedupeValues(vs []string) []string {
	out := vs[:0]
	for _, v := range vs {
		if strings.TrimSpace(v) == "" || slices.Contains(out, v) {
			continue
		}
		out = append(out, v)
	}
	return out
}

// MarshalJSON writes id, schema, caption, properties (keys sorted) and the
// extra keys (sorted), so the same entity is always the same line.
func (e *Entity) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	put := func(k string, v any) error {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshal(v)
		if err != nil {
			return err
		}
		b.Write(vb)
		return nil
	}
	b.WriteByte('{')
	if err := put("id", e.ID); err != nil {
		return nil, err
	}
	if err := put("schema", e.Schema); err != nil {
		return nil, err
	}
	if e.Caption != "" {
		if err := put("caption", e.Caption); err != nil {
			return nil, err
		}
	}
	props := e.Properties
	if props == nil {
		props = map[string][]string{}
	}
	if err := put("properties", props); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(e.Extra))
	for k := range e.Extra {
		if k != "id" && k != "schema" && k != "caption" && k != "properties" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := put(k, e.Extra[k]); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshal is json.Marshal without HTML escaping.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// first returns a property's first value.
func (e *Entity) first(prop string) string {
	if vs := e.Properties[prop]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// add appends values to a property (those not already there).
func (e *Entity) add(prop string, values ...string) {
	for _, v := range values {
		if strings.TrimSpace(v) == "" || slices.Contains(e.Properties[prop], v) {
			continue
		}
		e.Properties[prop] = append(e.Properties[prop], v)
	}
}

// canonical sorts each property's values, so that an entity kept whole
// reads the same whatever order an export gave its values.
func (e *Entity) canonical() {
	for _, vs := range e.Properties {
		sort.Strings(vs)
	}
}

// complete fills a required name the entity lacks from its caption or its
// full address, as FtM's own tools caption it, so that an entity
// polgraph re-emits validates. Applied on import and on export alike.
func (e *Entity) complete() {
	s, ok := SchemaByName(e.Schema)
	if !ok || !slices.Contains(s.Required, "name") || len(e.Properties["name"]) > 0 {
		return
	}
	for _, v := range []string{e.Caption, e.first("full"), e.first("title"), e.first("fileName")} {
		if strings.TrimSpace(v) != "" {
			e.Properties["name"] = []string{v}
			return
		}
	}
}
