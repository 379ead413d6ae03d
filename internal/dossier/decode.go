package dossier

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// problems accumulates what is wrong with a dossier, in the order found.
type problems struct{ list []kg.Problem }

func (p *problems) add(path, format string, args ...any) {
	p.list = append(p.list, kg.Problem{Path: path, Reason: fmt.Sprintf(format, args...)})
}

// decodeJSON reads data into d. encoding/json stops at the first unknown
// field or type error; a curator wants them all, so the document is read as
// a generic tree first (which finds syntax errors, with line and column) and
// then walked against the Go types, recording every mismatch and leaving the
// offending value zero.
func decodeJSON(p *problems, data []byte, d *Dossier) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		p.add("$", "%s", syntaxReason(data, err, dec.InputOffset()))
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineCol(data, dec.InputOffset())
		p.add("$", "line %d, column %d: unexpected data after the dossier object", line, col)
		return
	}
	if _, ok := tree.(map[string]any); !ok {
		p.add("$", "a dossier must be a JSON object, not %s", jsonType(tree))
		return
	}
	decodeValue(p, "$", tree, reflect.ValueOf(d).Elem())
}

func syntaxReason(data []byte, err error, offset int64) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		offset = se.Offset
	}
	if errors.Is(err, io.EOF) && len(bytes.TrimSpace(data)) == 0 {
		return "empty document; want a JSON object"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		offset = int64(len(data))
	}
	line, col := lineCol(data, offset)
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "unexpected end of input"
	}
	return fmt.Sprintf("line %d, column %d: invalid JSON: %s", line, col, msg)
}

// lineCol turns a byte offset into a 1-based line and column (in bytes).
func lineCol(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	if col == 0 {
		col = 1
	}
	return line, col
}

var dateType = reflect.TypeFor[kg.Date]()

// decodeValue stores the generic JSON value v into rv, reporting mismatches
// at path. JSON null is taken as "not given".
func decodeValue(p *problems, path string, v any, rv reflect.Value) {
	if v == nil {
		return
	}
	t := rv.Type()
	if t == dateType {
		s, ok := v.(string)
		if !ok {
			p.add(path, "want a date string (YYYY, YYYY-MM or YYYY-MM-DD), got %s", jsonType(v))
			return
		}
		d, err := kg.ParseDate(s)
		if err != nil {
			p.add(path, "%v", err)
			return
		}
		rv.Set(reflect.ValueOf(d))
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem := reflect.New(t.Elem())
		decodeValue(p, path, v, elem.Elem())
		rv.Set(elem)
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			p.add(path, "want a string, got %s", jsonType(v))
			return
		}
		rv.SetString(s)
	case reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			p.add(path, "want a number, got %s", jsonType(v))
			return
		}
		f, err := n.Float64()
		if err != nil {
			p.add(path, "%s is not a number", n)
			return
		}
		rv.SetFloat(f)
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			p.add(path, "want an array, got %s", jsonType(v))
			return
		}
		s := reflect.MakeSlice(t, len(list), len(list))
		for i, x := range list {
			decodeValue(p, path+"["+strconv.Itoa(i)+"]", x, s.Index(i))
		}
		rv.Set(s)
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			p.add(path, "want an object, got %s", jsonType(v))
			return
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		// Report in the struct's field order, unknown fields last, so the
		// list reads like the document's shape rather than map order.
		slices.SortFunc(keys, func(a, b string) int {
			ia, ib := fieldIndex(fields, a), fieldIndex(fields, b)
			if ia != ib {
				return ia - ib
			}
			return strings.Compare(a, b)
		})
		for _, k := range keys {
			i := fieldIndex(fields, k)
			if i == len(fields) {
				p.add(memberPath(path, k), "unknown field; %s takes %s", describe(path), strings.Join(fieldNames(fields), ", "))
				continue
			}
			decodeValue(p, memberPath(path, k), obj[k], rv.Field(fields[i].index))
		}
	default:
		panic(fmt.Sprintf("dossier: no JSON decoding for %s", t))
	}
}

type jsonField struct {
	name  string
	index int
}

func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "" || name == "-" {
			continue
		}
		out = append(out, jsonField{name: name, index: i})
	}
	return out
}

func fieldIndex(fields []jsonField, name string) int {
	for i, f := range fields {
		if f.name == name {
			return i
		}
	}
	return len(fields)
}

func fieldNames(fields []jsonField) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.name
	}
	return out
}

// describe names the object at path for an unknown-field message.
func describe(path string) string {
	if path == "$" {
		return "a dossier"
	}
	return "this object"
}

// memberPath appends an object member to a JSON path, quoting names that
// are not plain identifiers ($["odd name"]).
func memberPath(path, name string) string {
	plain := name != ""
	for i, r := range name {
		if !(r == '_' || r == '$' && i == 0 || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return path + "." + name
	}
	return path + "[" + strconv.Quote(name) + "]"
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
