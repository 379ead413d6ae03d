package neo4j

import (
	"os"
	"regexp"
	"testing"
)

// TestComposeMatchesTestServer: docker-compose.yml runs the Neo4j version
// the test server (tools/neo4j-test-server/pom.xml) proves, with the same
// settings (authentication on, heap, page cache, transaction timeout).
func TestComposeMatchesTestServer(t *testing.T) {
	pom, err := os.ReadFile("../../../tools/neo4j-test-server/pom.xml")
	if err != nil {
		t.Fatal(err)
	}
	compose, err := os.ReadFile("../../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	main, err := os.ReadFile("../../../tools/neo4j-test-server/src/main/java/org/polgraph/neo4jtest/Main.java")
	if err != nil {
		t.Fatal(err)
	}
	v := regexp.MustCompile(`<neo4j.version>([^<]+)</neo4j.version>`).FindSubmatch(pom)
	if v == nil {
		t.Fatal("pom.xml has no neo4j.version")
	}
	image := regexp.MustCompile(`image: neo4j:([^\s]+)`).FindSubmatch(compose)
	switch {
	case image == nil:
		t.Errorf("docker-compose.yml has no neo4j image; the test server runs Neo4j %s: use neo4j:%s-community", v[1], v[1])
	case string(image[1]) != string(v[1])+"-community":
		t.Errorf("docker-compose.yml runs neo4j:%s, the test server Neo4j %s: use neo4j:%s-community", image[1], v[1], v[1])
	}
	for _, want := range []struct{ compose, server string }{
		{`NEO4J_AUTH: neo4j/`, `GraphDatabaseSettings.auth_enabled, true`},
		{`NEO4J_db_transaction_timeout: 5m`, `transaction_timeout, Duration.ofMinutes(5)`},
		{`NEO4J_server_memory_pagecache_size: 512M`, ``},
		{`NEO4J_server_memory_heap_max__size: 1G`, ``},
	} {
		if !regexp.MustCompile(regexp.QuoteMeta(want.compose)).Match(compose) {
			t.Errorf("docker-compose.yml lacks %q", want.compose)
		}
		if want.server != "" && !regexp.MustCompile(regexp.QuoteMeta(want.server)).Match(main) {
			t.Errorf("the test server lacks %q", want.server)
		}
	}
	run, err := os.ReadFile("../../../tools/neo4j-test-server/run")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`NEO4J_TEST_HEAP:-1g`, `NEO4J_TEST_PAGE_CACHE:-512m`} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).Match(run) {
			t.Errorf("tools/neo4j-test-server/run lacks the default %q that docker-compose.yml matches", want)
		}
	}
}
