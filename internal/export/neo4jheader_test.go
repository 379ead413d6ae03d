package export

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// neo4jTypes are the property types neo4j-admin import accepts in a header.
var neo4jTypes = map[string]bool{
	"int": true, "long": true, "float": true, "double": true, "boolean": true, "byte": true,
	"short": true, "char": true, "string": true, "point": true, "date": true, "localtime": true,
	"time": true, "localdatetime": true, "datetime": true, "duration": true,
}

// neo4jField is one header field: name:TYPE(idspace){options}.
var neo4jField = regexp.MustCompile(`^([^:]*)(?::([A-Za-z_]+)(\[\])?(?:\(([^()]+)\))?(\{.*\})?)?$`)

// checkNeo4jHeader checks a header against neo4j-admin import's grammar
// (https://neo4j.com/docs/operations-manual/current/tools/neo4j-admin/neo4j-admin-import/#import-tool-header-format):
// property fields are name or name:type with a known type, optionally an
// array (type[]); the special fields are :ID (optionally named and in an
// id space), :LABEL, :IGNORE for nodes and :START_ID, :END_ID (in id
// spaces), :TYPE for relationships. kind is "nodes" or "relationships".
func checkNeo4jHeader(header []string, kind string) error {
	seen := map[string]bool{}
	special := map[string]int{}
	for i, h := range header {
		m := neo4jField.FindStringSubmatch(h)
		if m == nil {
			return fmt.Errorf("field %d %q is not name:type", i, h)
		}
		name, typ, array, space := m[1], strings.ToLower(m[2]), m[3] != "", m[4]
		switch typ {
		case "id", "start_id", "end_id":
			if array {
				return fmt.Errorf("field %q: an id cannot be an array", h)
			}
			if space != "" && !regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`).MatchString(space) {
				return fmt.Errorf("field %q: bad id space %q", h, space)
			}
			special[typ+"("+space+")"]++
			special[typ]++
			if typ != "id" && name != "" {
				return fmt.Errorf("field %q: %s takes no property name", h, typ)
			}
		case "label", "type", "ignore":
			if name != "" || array || space != "" {
				return fmt.Errorf("field %q: :%s stands alone", h, strings.ToUpper(typ))
			}
			special[typ]++
		case "":
			if name == "" {
				return fmt.Errorf("field %d is empty", i)
			}
		default:
			if !neo4jTypes[typ] {
				return fmt.Errorf("field %q: unknown type %q", h, typ)
			}
			if space != "" {
				return fmt.Errorf("field %q: only ids have id spaces", h)
			}
		}
		if name != "" {
			if seen[name] {
				return fmt.Errorf("property %q appears twice", name)
			}
			seen[name] = true
		}
	}
	switch kind {
	case "nodes":
		if special["id"] != 1 {
			return fmt.Errorf("a nodes file needs exactly one :ID field, has %d", special["id"])
		}
		if special["start_id"]+special["end_id"]+special["type"] > 0 {
			return fmt.Errorf("a nodes file has relationship fields")
		}
	case "relationships":
		if special["start_id"] != 1 || special["end_id"] != 1 || special["type"] != 1 {
			return fmt.Errorf("a relationships file needs one each of :START_ID, :END_ID, :TYPE; has %v", special)
		}
		if special["id"]+special["label"] > 0 {
			return fmt.Errorf("a relationships file has node fields")
		}
	}
	return nil
}

func TestNeo4jHeaderChecker(t *testing.T) {
	tests := []struct {
		name   string
		header string
		kind   string
		ok     bool
	}{
		{"ours nodes", strings.Join(csvNodeHeader, ","), "nodes", true},
		{"ours relationships", strings.Join(csvRelHeader, ","), "relationships", true},
		{"manual example", "movieId:ID,title,year:int,:LABEL", "nodes", true},
		{"id space", "personId:ID(Person),name,:LABEL", "nodes", true},
		{"unknown type", "id:ID,year:integer", "nodes", false},
		{"no id", "name,:LABEL", "nodes", false},
		{"two ids", "a:ID,b:ID", "nodes", false},
		{"array id", "a:ID[]", "nodes", false},
		{"rel without type", ":START_ID,:END_ID,role", "relationships", false},
		{"rel with label", ":START_ID,:END_ID,:TYPE,:LABEL", "relationships", false},
		{"duplicate property", "id:ID,name,name:string", "nodes", false},
		{"named label", "id:ID,kind:LABEL", "nodes", false},
		{"array of dates", ":START_ID,:END_ID,:TYPE,d:date[]", "relationships", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkNeo4jHeader(strings.Split(tt.header, ","), tt.kind)
			if (err == nil) != tt.ok {
				t.Errorf("checkNeo4jHeader(%q) = %v, want ok=%v", tt.header, err, tt.ok)
			}
		})
	}
}
