package ftm

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/polgraph/polgraph/internal/testtool"
)

// model_gen.go is what `go generate ./internal/ftm` makes from the
// installed followthemoney package (the version .ci/run pins): the test
// fails when regenerating would change it.
func TestModelGenUpToDate(t *testing.T) {
	py := testtool.PythonModule(t, "followthemoney", "pip install followthemoney=="+ModelVersion)
	out := filepath.Join(t.TempDir(), "model_gen.go")
	cmd := exec.Command("go", "run", "./gen", "-python", py, "-o", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go run ./gen: %v\n%s", err, stderr.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("model_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("model_gen.go is stale: run `go generate ./internal/ftm` (with followthemoney %s installed) and commit it", ModelVersion)
	}
}

func TestModel(t *testing.T) {
	p, ok := SchemaByName("Person")
	if !ok || !p.Is("LegalEntity") || !p.Is("Thing") || p.Is("Organization") {
		t.Fatalf("Person: %+v", p)
	}
	if prop, ok := p.Property("birthDate"); !ok || prop.Type != "date" {
		t.Errorf("Person.birthDate = %+v", prop)
	}
	o, _ := SchemaByName("Ownership")
	if o.Edge == nil || o.Edge.Source != "owner" || o.Edge.Target != "asset" {
		t.Errorf("Ownership edge = %+v", o.Edge)
	}
	if th, _ := SchemaByName("Thing"); !th.Abstract {
		t.Errorf("Thing is not abstract")
	}
}

func TestValid(t *testing.T) {
	date := Property{Type: "date"}
	for v, want := range map[string]bool{"2019": true, "2019-02": true, "2019-02-28": true, "2019-02-30": false, "2019-13": false, "1990-01-01T00:00:00": true, "19xx": false, "": false} {
		if got := Valid(date, v); got != want {
			t.Errorf("Valid(date, %q) = %v, want %v", v, got, want)
		}
	}
	for _, c := range []struct {
		p    Property
		v    string
		want bool
	}{
		{Property{Type: "country"}, "hu", true},
		{Property{Type: "country"}, "xx", false},
		{Property{Type: "topic"}, "sanction", true},
		{Property{Type: "entity"}, "NK-abc.1", true},
		{Property{Type: "entity"}, "zala:NK-abc", false},
		{Property{Type: "phone"}, "+36 1 234 5678", true}, // FtM decides phones with libphonenumber, as Valid does
		{Property{Type: "phone"}, "+44 20 7946 0958", true},
		{Property{Type: "phone"}, "06 1 234 5678", false}, // national form: FtM needs a country hint
		{Property{Type: "phone"}, "+1 555", false},
		{Property{Type: "identifier", MaxLength: 4}, "12345", false},
		{Property{Type: "url"}, "https://example.org/a", true},
		{Property{Type: "url"}, "example.org", false},
	} {
		if got := Valid(c.p, c.v); got != c.want {
			t.Errorf("Valid(%s, %q) = %v, want %v", c.p.Type, c.v, got, c.want)
		}
	}
	for id, want := range map[string]string{"NK-abc": "NK-abc", "a:b": "a-b-"} {
		got := SafeID(id)
		if len(got) < len(want) || got[:len(want)] != want || !idRE.MatchString(got) {
			t.Errorf("SafeID(%q) = %q, want a valid id starting %q", id, got, want)
		}
	}
	if SafeID("a:b") == SafeID("a-b") {
		t.Errorf("SafeID maps a:b and a-b to one id")
	}
}
