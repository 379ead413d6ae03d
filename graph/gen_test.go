package graph_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedCodeIsFresh regenerates the gqlgen code in a copy of the
// module and fails when the committed generated files differ: run
// "go run github.com/99designs/gqlgen generate" and commit the result.
func TestGeneratedCodeIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerating takes a while; skipped in -short mode")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to run the generator with")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	// The schema is schema.graphqls plus graph/*.graphqls (gqlgen.yml).
	parts, err := filepath.Glob(filepath.Join(root, "graph", "*.graphqls"))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"go.mod", "go.sum", "schema.graphqls", "gqlgen.yml"}
	for _, p := range parts {
		files = append(files, filepath.Join("graph", filepath.Base(p)))
	}
	for _, f := range files {
		copyFile(t, filepath.Join(root, f), filepath.Join(tmp, f))
	}
	// Copy the module's own packages that graph depends on (the generator
	// type-checks the resolvers), one directory each.
	list := exec.Command(gobin, "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{end}}", "./graph")
	list.Dir = root
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dir := range strings.Fields(string(out)) {
		rel, err := filepath.Rel(root, dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue // a dependency outside the module
		}
		copyDir(t, dir, filepath.Join(tmp, rel))
	}
	cmd := exec.Command(gobin, "run", "github.com/99designs/gqlgen", "generate")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gqlgen generate: %v\n%s", err, out)
	}
	generated := []string{"graph/generated/generated.go", "graph/model/models_gen.go", "graph/schema.resolvers.go"}
	for _, p := range parts {
		generated = append(generated, filepath.Join("graph", strings.TrimSuffix(filepath.Base(p), ".graphqls")+".resolvers.go"))
	}
	for _, f := range generated {
		want, err := os.ReadFile(filepath.Join(tmp, f))
		if os.IsNotExist(err) && strings.HasSuffix(f, ".resolvers.go") {
			// A schema file with no fields to resolve (graph/ftm.graphqls
			// only extends an enum and a type) has no resolvers file.
			if _, err := os.Stat(filepath.Join(root, f)); err == nil {
				t.Errorf("%s is not generated any more: delete it", f)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		have, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want, have) {
			t.Errorf("%s is stale: run `go run github.com/99designs/gqlgen generate` and commit the result", f)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyDir copies the regular files of one directory (not its
// subdirectories: those are packages of their own, copied if needed).
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			copyFile(t, filepath.Join(from, e.Name()), filepath.Join(to, e.Name()))
		}
	}
}
