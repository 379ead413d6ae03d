package neo4j

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzParseURI: reading a store URI never panics, and the password in it
// never reaches the driver's URI or an error message.
func FuzzParseURI(f *testing.F) {
	for _, s := range []string{"neo4j://localhost:7687", "neo4j://neo4j:hunter22@db.example:7687/polgraph", "bolt+s://u:p4ssw0rd@h", "neo4j://u:s3cret@h:bad/x",
		"neo4j://u:s3cret@[::1", "neo4j+ssc://u:pass word@h/a/b", "gopher://u:hunter22@x", "neo4j://%zz:hunter22@h", "neo4j:///"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		secret := password(s)
		c, err := ParseURI(s)
		if err != nil {
			if secret != "" && strings.Contains(err.Error(), secret) {
				t.Fatalf("the error for %q shows the password: %v", s, err)
			}
			return
		}
		if secret != "" && strings.Contains(c.URI, secret) {
			t.Fatalf("ParseURI(%q).URI = %q keeps the password", s, c.URI)
		}
		if strings.Contains(c.URI, "@") && strings.Contains(s, "@") {
			if u, err := url.Parse(c.URI); err == nil && u.User != nil {
				t.Fatalf("ParseURI(%q).URI = %q keeps user info", s, c.URI)
			}
		}
	})
}

// password is the text between the first ':' after "://" and the last '@'
// before the host, when it is long enough to be told apart from the rest.
func password(s string) string {
	_, rest, ok := strings.Cut(s, "://")
	if !ok {
		return ""
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	_, pw, ok := strings.Cut(rest[:at], ":")
	if !ok || len(pw) < 6 || strings.Contains(s[:strings.Index(s, "://")], pw) {
		return ""
	}
	if u, err := url.PathUnescape(pw); err == nil && len(u) >= 6 {
		return u
	}
	return ""
}
