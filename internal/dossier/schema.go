package dossier

import _ "embed"

//go:embed dossier.schema.json
var schema []byte

// Schema returns the dossier format's JSON Schema (draft 2020-12), for
// editors and other tools. Parse checks everything the schema says and more
// (keys defined before use, the kinds a relationship may connect, quotes
// found in the text).
func Schema() []byte { return append([]byte(nil), schema...) }
