// Package testtool finds the external programs that tests use as real
// consumers of polgraph's output (xmllint, NetworkX, Node.js, Chromium).
//
// A test skips, naming what to install, when a tool is absent, except when
// POLGRAPH_REQUIRE_TOOLS=1 (set by .ci/run): then a missing tool fails the
// test, so CI can never pass by skipping the checks it installed tools for.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Required reports whether missing tools must fail tests instead of skipping them.
func Required() bool { return os.Getenv("POLGRAPH_REQUIRE_TOOLS") == "1" }

// Missing skips t (or fails it when tools are required) with a message
// naming what is missing and how to install it.
func Missing(t testing.TB, what, install string) {
	t.Helper()
	if Required() {
		t.Fatalf("%s is not available (%s) and POLGRAPH_REQUIRE_TOOLS=1", what, install)
	}
	t.Skipf("%s is not available (%s); skipping", what, install)
}

// Need returns the path of a program on PATH, or skips/fails t.
func Need(t testing.TB, program, install string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err != nil {
		Missing(t, program, install)
	}
	return p
}

// Python returns a python3 interpreter that can import module. Debian's
// python3-* packages install for /usr/bin/python3, which need not be the
// python3 first on PATH (pyenv, venvs), so both are tried.
func Python(t testing.TB, module, debianPackage string) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import "+module).Run() == nil {
			return py
		}
	}
	Missing(t, "python3 with the "+module+" module", "apt-get install "+debianPackage)
	return ""
}

// PythonModule is Python for a module installed from PyPI: install is
// the command that installs it ("pip install followthemoney==4.11.2").
func PythonModule(t testing.TB, module, install string) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import "+module).Run() == nil {
			return py
		}
	}
	Missing(t, "python3 with the "+module+" module", install)
	return ""
}

// Neo4jMessage is what a Neo4j-gated test says when no server is configured.
const Neo4jMessage = "NEO4J_URI is not set: skipping the Neo4j tests (start the test server with `eval \"$(tools/neo4j-test-server/run)\"`, or set NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD for a Neo4j 5 server)"

// Neo4jURI returns NEO4J_URI. Without it the test skips, or fails when
// POLGRAPH_REQUIRE_NEO4J=1 (set by .ci/run for its Neo4j pass), so that CI
// cannot pass by skipping the Neo4j tests.
func Neo4jURI(t testing.TB) string {
	t.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		if os.Getenv("POLGRAPH_REQUIRE_NEO4J") == "1" {
			t.Fatal("NEO4J_URI is not set and POLGRAPH_REQUIRE_NEO4J=1: the Neo4j tests must run")
		}
		t.Skip(Neo4jMessage)
	}
	return uri
}

// Pythons returns every distinct python3 interpreter that can import
// module: python3 on PATH, Debian's /usr/bin/python3, and the one named by
// POLGRAPH_PYTHON (a venv with the newest release from PyPI, for
// instance), so a consumer check runs against each version present. It
// skips (or fails) t when there is none.
func Pythons(t testing.TB, module, debianPackage string) []string {
	t.Helper()
	candidates := []string{"python3", "/usr/bin/python3"}
	if p := os.Getenv("POLGRAPH_PYTHON"); p != "" {
		candidates = append(candidates, p)
	}
	var out []string
	seen := map[string]bool{}
	for _, py := range candidates {
		v, err := exec.Command(py, "-c", "import sys, "+module+"; print(sys.executable, "+module+".__version__)").Output()
		if err != nil || seen[string(v)] {
			continue
		}
		seen[string(v)] = true
		out = append(out, py)
	}
	if len(out) == 0 {
		Missing(t, "python3 with the "+module+" module", "apt-get install "+debianPackage)
	}
	return out
}
