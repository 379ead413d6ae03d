package ftm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// Records no FtM import made (an article-built graph: articles,
// statements, allegations, events, their relationships and evidence with
// quotes) are written with the FtM schema and properties their kind
// suggests, for FtM's tools, and, as FtM has no place for much of them
// (an allegation's status, a statement's speaker, evidence tied to an
// article and a quote, polgraph's own ids), with the polgraph record
// itself in the bucket: BucketKey.record, the entity or relationship as
// polgraph's JSON. The importer reads such an entity back from its record,
// as it was, under its graph id (a restore), not from its FtM properties.
// What the record cannot carry out of its graph is left out of it:
// dataset provenance (sources, dataset evidence: FtM has no entity for a
// dataset, the import records its own) and evidence from articles the
// export does not hold.

// SetRecord writes the polgraph record of x (a kg.Entity or
// kg.Relationship) into its bucket.
func SetRecord(x *Entity, record any) error {
	raw, err := marshal(record)
	if err != nil {
		return err
	}
	return x.bucket(func(b *Bucket) { b.Record = raw })
}

// SetPart marks x as written for the relationship rel (the Position of an
// office): it is read back with the relationship's record.
func SetPart(x *Entity, rel string) error {
	return x.bucket(func(b *Bucket) {
		if b.Part == "" {
			b.Part = rel
		}
	})
}

func (x *Entity) bucket(edit func(*Bucket)) error {
	var b Bucket
	if raw, ok := x.Extra[BucketKey]; ok {
		if err := json.Unmarshal(raw, &b); err != nil {
			return fmt.Errorf("%s of %s: %w", BucketKey, x.ID, err)
		}
	}
	edit(&b)
	raw, err := marshal(b)
	if err != nil {
		return err
	}
	if x.Extra == nil {
		x.Extra = map[string]json.RawMessage{}
	}
	x.Extra[BucketKey] = raw
	return nil
}

// NativeRecord is the polgraph record in an entity's bucket: an entity or
// (when the record has a "type") a relationship. Errors name the field at
// fault, under BucketKey.record.
func NativeRecord(e *Entity) (*kg.Entity, *kg.Relationship, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(e.Record, &probe); err != nil {
		return nil, nil, fmt.Errorf("%s.record: not a JSON object", BucketKey)
	}
	dec := json.NewDecoder(bytes.NewReader(e.Record))
	dec.DisallowUnknownFields()
	field := func(err error) error {
		return fmt.Errorf("%s.record: %s", BucketKey, strings.TrimPrefix(err.Error(), "json: "))
	}
	if _, rel := probe["type"]; rel {
		var r kg.Relationship
		if err := dec.Decode(&r); err != nil {
			return nil, nil, field(err)
		}
		if r.ID == "" {
			return nil, nil, fmt.Errorf("%s.record.id: missing", BucketKey)
		}
		return nil, &r, nil
	}
	var x kg.Entity
	if err := dec.Decode(&x); err != nil {
		return nil, nil, field(err)
	}
	if x.ID == "" {
		return nil, nil, fmt.Errorf("%s.record.id: missing", BucketKey)
	}
	if x.Kind == kg.Dataset {
		return nil, nil, fmt.Errorf("%s.record.kind: a DATASET is not read from FtM (the import makes its own)", BucketKey)
	}
	return &x, nil, nil
}
