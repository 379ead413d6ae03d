package ftm

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// Valid reports whether the followthemoney library accepts v as a value of
// the property. The checks err on the side of no: a value they cannot be
// sure of is not written as a property by the exporter but kept aside
// (see Bucket), so an export always validates. Phone numbers are decided
// as FtM decides them, with libphonenumber (validPhone).
func Valid(p Property, v string) bool {
	if strings.TrimSpace(v) == "" || !utf8.ValidString(v) {
		return false
	}
	max := p.MaxLength
	if max == 0 {
		max = typeMaxLength[p.Type]
	}
	if max > 0 && utf8.RuneCountInString(v) > max {
		return false
	}
	switch p.Type {
	case "date":
		return validDate(v)
	case "country", "topic", "gender", "language":
		return typeValues[p.Type][strings.ToLower(v)]
	case "url":
		return urlRE.MatchString(v)
	case "email":
		return emailRE.MatchString(v)
	case "phone":
		return validPhone(v)
	case "ip":
		return net.ParseIP(v) != nil
	case "json":
		return json.Valid([]byte(v))
	case "mimetype":
		return mimeRE.MatchString(v)
	case "checksum":
		return hexRE.MatchString(v)
	case "entity":
		return idRE.MatchString(v)
	case "name", "identifier", "string":
		return !strings.ContainsAny(v, "\n\r\t")
	}
	return true
}

var (
	dateRE  = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T\d{2}(?::\d{2}(?::\d{2})?)?)?)?)?$`)
	urlRE   = regexp.MustCompile(`^https?://[A-Za-z0-9.\-]+(?::\d+)?(?:[/?#][^\s]*)?$`)
	emailRE = regexp.MustCompile(`^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$`)
	mimeRE  = regexp.MustCompile(`^(application|audio|image|message|multipart|text|video|font|model)/[a-z0-9][a-z0-9.+\-]*$`)
	hexRE   = regexp.MustCompile(`^[0-9a-f]{32,40}$`)
	idRE    = regexp.MustCompile(`^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$`)
)

// SafeID is an id FtM accepts (letters, digits, dots and dashes, at most
// 200 characters): the id itself when it is one, else its letters, digits,
// dots and dashes followed by a hash of the whole id, so that two ids
// never meet ("han-dong-bbc:meng-arrest" becomes
// "han-dong-bbc-meng-arrest-" and eight hex digits).
func SafeID(id string) string {
	if len(id) <= 200 && idRE.MatchString(id) {
		return id
	}
	var b strings.Builder
	for _, r := range id {
		switch {
		case r < 0x80 && (r == '.' || r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')):
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
		if b.Len() >= 180 {
			break
		}
	}
	base := strings.Trim(b.String(), ".-")
	h := sha256.Sum256([]byte(id))
	if base == "" {
		return "id-" + hex.EncodeToString(h[:8])
	}
	return base + "-" + hex.EncodeToString(h[:4])
}

func validDate(v string) bool {
	m := dateRE.FindStringSubmatch(v)
	if m == nil || m[1] == "0000" {
		return false
	}
	if m[2] != "" {
		mo := int(m[2][0]-'0')*10 + int(m[2][1]-'0')
		if mo < 1 || mo > 12 {
			return false
		}
		if m[3] != "" {
			d := int(m[3][0]-'0')*10 + int(m[3][1]-'0')
			y := 0
			for _, c := range m[1] {
				y = y*10 + int(c-'0')
			}
			if d < 1 || d > daysIn(y, mo) {
				return false
			}
		}
	}
	return true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// BucketKey is the top-level key of an exported entity that holds what FtM
// would reject: {"properties": {"phone": [...]}, "entities": [...]}, values
// and kept entities that do not validate. The importer reads it back as if
// the values were properties, so nothing is lost on the way.
const BucketKey = "polgraph"

// Bucket is the content of BucketKey.
type Bucket struct {
	Properties map[string][]string `json:"properties,omitempty"`
	Entities   []json.RawMessage   `json:"entities,omitempty"`
	// Record is the polgraph entity or relationship itself, for those no
	// FtM import made (see NativeRecord); Part the id of the relationship
	// an entity was written for.
	Record json.RawMessage `json:"record,omitempty"`
	Part   string          `json:"part,omitempty"`
}

// split moves the values FtM would reject, and references the importer
// found dangling, out of x's properties into its bucket; ok is false when
// x misses a required property.
func (x *Entity) split(s *Schema, dangling map[string][]string, kept []*Entity) (ok bool) {
	var b Bucket
	for name, vs := range x.Properties {
		p, known := s.Property(name)
		var good []string
		for _, v := range vs {
			if known && Valid(p, v) {
				good = append(good, v)
				continue
			}
			if b.Properties == nil {
				b.Properties = map[string][]string{}
			}
			b.Properties[name] = append(b.Properties[name], v)
		}
		if len(good) == 0 {
			delete(x.Properties, name)
		} else {
			x.Properties[name] = good
		}
	}
	for name, vs := range dangling {
		if b.Properties == nil {
			b.Properties = map[string][]string{}
		}
		b.Properties[name] = append(b.Properties[name], vs...)
	}
	for _, k := range kept {
		raw, err := k.MarshalJSON()
		if err == nil {
			b.Entities = append(b.Entities, raw)
		}
	}
	if len(b.Properties) > 0 || len(b.Entities) > 0 {
		raw, _ := marshal(b)
		if x.Extra == nil {
			x.Extra = map[string]json.RawMessage{}
		}
		x.Extra[BucketKey] = raw
	}
	for _, r := range s.Required {
		if len(x.Properties[r]) == 0 {
			return false
		}
	}
	return true
}

// validPhone reports whether FtM's phone type takes v without a country
// hint: a number in international form (a leading "+") that
// libphonenumber (Go's port of the library FtM's phonenumbers wraps)
// finds valid.
func validPhone(v string) bool {
	if !strings.HasPrefix(strings.TrimSpace(v), "+") || strings.ContainsAny(v, "\n\r\t") {
		return false
	}
	n, err := phonenumbers.Parse(v, "")
	return err == nil && phonenumbers.IsValidNumber(n)
}
