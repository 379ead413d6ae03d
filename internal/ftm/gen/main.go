// Command gen writes model_gen.go, the part of the FollowTheMoney model
// polgraph's FtM importer and exporter use (schemata, their parents, edge
// ends, required properties, and every property's type and range, with
// inherited properties flattened in), from the schema YAML files of the
// followthemoney Python package.
//
//	go run ./gen [-schema DIR] [-version V] -o model_gen.go
//
// Without -schema it asks python3 where the installed followthemoney
// package is, and takes its version from it.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
)

type yamlProp struct {
	Type      string `yaml:"type"`
	Range     string `yaml:"range"`
	MaxLength int    `yaml:"maxLength"`
}

type yamlEdge struct {
	Source string `yaml:"source"`
	Target string `yaml:"target"`
}

type yamlSchema struct {
	Extends    []string             `yaml:"extends"`
	Abstract   bool                 `yaml:"abstract"`
	Required   []string             `yaml:"required"`
	Caption    []string             `yaml:"caption"`
	Edge       *yamlEdge            `yaml:"edge"`
	Properties map[string]*yamlProp `yaml:"properties"`
}

// python is the interpreter asked about the followthemoney package.
var python = "python3"

func main() {
	dir := flag.String("schema", "", "the followthemoney package's schema directory (default: ask python3)")
	version := flag.String("version", "", "the followthemoney version the schema is from (default: ask python3)")
	out := flag.String("o", "model_gen.go", "output file")
	flag.StringVar(&python, "python", "python3", "the Python interpreter with followthemoney installed")
	flag.Parse()
	if *dir == "" || *version == "" {
		d, v, err := locate()
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		if *dir == "" {
			*dir = d
		}
		if *version == "" {
			*version = v
		}
	}
	types, err := typeInfo()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	src, err := generate(*dir, *version, types)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// locate asks python3 for the installed followthemoney's schema directory
// and version.
func locate() (dir, version string, err error) {
	out, err := exec.Command(python, "-c",
		"import followthemoney, os; print(os.path.join(os.path.dirname(followthemoney.__file__), 'schema')); print(followthemoney.__version__)").Output()
	if err != nil {
		return "", "", fmt.Errorf("python3 cannot import followthemoney (pip install followthemoney): %v", err)
	}
	lines := strings.Fields(strings.TrimSpace(string(out)))
	if len(lines) != 2 {
		return "", "", fmt.Errorf("unexpected answer from python3: %q", out)
	}
	return lines[0], lines[1], nil
}

// types is what the followthemoney package's type registry says of the
// property types: maximum lengths and the closed vocabularies.
type types struct {
	MaxLength map[string]int      `json:"max_length"`
	Values    map[string][]string `json:"values"`
}

// typeInfo asks python3's followthemoney for its types.
func typeInfo() (types, error) {
	var t types
	out, err := exec.Command(python, "-c", `
import json
from followthemoney.types import registry
print(json.dumps({
  "max_length": {t.name: t.max_length for t in registry.types},
  "values": {t.name: sorted(t.names) for t in (registry.country, registry.topic, registry.gender, registry.language)},
}))`).Output()
	if err != nil {
		return t, fmt.Errorf("python3 cannot import followthemoney (pip install followthemoney): %v", err)
	}
	if err := json.Unmarshal(out, &t); err != nil {
		return t, err
	}
	return t, nil
}

func generate(dir, version string, ti types) ([]byte, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no schema files in %s", dir)
	}
	all := map[string]*yamlSchema{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var m map[string]*yamlSchema
		if err := yaml.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for name, s := range m {
			all[name] = s
		}
	}
	// Flatten: a schema has its parents' properties and required ones;
	// its own definitions win.
	var props func(name string) map[string]yamlProp
	props = func(name string) map[string]yamlProp {
		s := all[name]
		out := map[string]yamlProp{}
		for _, p := range s.Extends {
			for k, v := range props(p) {
				out[k] = v
			}
		}
		for k, v := range s.Properties {
			if v == nil {
				v = &yamlProp{}
			}
			if v.Type == "" {
				v.Type = "string"
			}
			out[k] = *v
		}
		return out
	}
	var required func(name string) []string
	required = func(name string) []string {
		s := all[name]
		var out []string
		for _, p := range s.Extends {
			out = append(out, required(p)...)
		}
		out = append(out, s.Required...)
		slices.Sort(out)
		return slices.Compact(out)
	}
	var ancestors func(name string) []string
	ancestors = func(name string) []string {
		out := []string{name}
		for _, p := range all[name].Extends {
			out = append(out, ancestors(p)...)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by internal/ftm/gen from the schema YAML of followthemoney %s; DO NOT EDIT.\n\n", version)
	b.WriteString("package ftm\n\n")
	fmt.Fprintf(&b, "// ModelVersion is the followthemoney release the model was generated from.\nconst ModelVersion = %q\n\n", version)
	b.WriteString("var schemata = map[string]*Schema{\n")
	for _, n := range names {
		s := all[n]
		fmt.Fprintf(&b, "%q: {\nName: %q,\n", n, n)
		if len(s.Extends) > 0 {
			fmt.Fprintf(&b, "Extends: %#v,\n", s.Extends)
		}
		fmt.Fprintf(&b, "Ancestors: %#v,\n", ancestors(n))
		if s.Abstract {
			b.WriteString("Abstract: true,\n")
		}
		if s.Edge != nil {
			fmt.Fprintf(&b, "Edge: &Edge{Source: %q, Target: %q},\n", s.Edge.Source, s.Edge.Target)
		}
		if r := required(n); len(r) > 0 {
			fmt.Fprintf(&b, "Required: %#v,\n", r)
		}
		b.WriteString("Properties: map[string]Property{\n")
		ps := props(n)
		pn := make([]string, 0, len(ps))
		for k := range ps {
			pn = append(pn, k)
		}
		sort.Strings(pn)
		for _, k := range pn {
			p := ps[k]
			fmt.Fprintf(&b, "%q: {Type: %q", k, p.Type)
			if p.Range != "" {
				fmt.Fprintf(&b, ", Range: %q", p.Range)
			}
			if p.MaxLength != 0 {
				fmt.Fprintf(&b, ", MaxLength: %d", p.MaxLength)
			}
			b.WriteString("},\n")
		}
		b.WriteString("},\n},\n")
	}
	b.WriteString("}\n\n")
	b.WriteString("// typeMaxLength is each property type's maximum value length.\nvar typeMaxLength = map[string]int{\n")
	tn := make([]string, 0, len(ti.MaxLength))
	for k := range ti.MaxLength {
		tn = append(tn, k)
	}
	sort.Strings(tn)
	for _, k := range tn {
		fmt.Fprintf(&b, "%q: %d,\n", k, ti.MaxLength[k])
	}
	b.WriteString("}\n\n")
	b.WriteString("// typeValues are the closed vocabularies of the country, topic, gender and\n// language types.\nvar typeValues = map[string]map[string]bool{\n")
	vn := make([]string, 0, len(ti.Values))
	for k := range ti.Values {
		vn = append(vn, k)
	}
	sort.Strings(vn)
	for _, k := range vn {
		fmt.Fprintf(&b, "%q: {", k)
		for i, v := range ti.Values[k] {
			if i%8 == 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%q: true, ", v)
		}
		b.WriteString("\n},\n")
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting: %w", err)
	}
	return src, nil
}
