package neo4j

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/storetest"
	"github.com/polgraph/polgraph/internal/testtool"
)

// ownServer is a Neo4j test server (tools/neo4j-test-server) of a test's
// own, on a fixed port and a kept data directory, so that the test can kill
// it and start it again on the same data.
type ownServer struct {
	t        *testing.T
	script   string
	port     string
	data     string
	password string
	pid      int
}

var pidRE = regexp.MustCompile(`NEO4J_TEST_SERVER_PID=(\d+)`)

func newOwnServer(t *testing.T) *ownServer {
	t.Helper()
	testtool.Need(t, "java", "apt-get install openjdk-17-jdk-headless")
	testtool.Need(t, "mvn", "apt-get install maven")
	script, err := filepath.Abs("../../../tools/neo4j-test-server/run")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	s := &ownServer{t: t, script: script, port: port, data: t.TempDir(), password: "outage-test-" + port}
	t.Cleanup(s.kill)
	return s
}

func (s *ownServer) start() {
	s.t.Helper()
	cmd := exec.Command(s.script)
	cmd.Env = append(os.Environ(), "NEO4J_TEST_PORT="+s.port, "NEO4J_TEST_DATA="+s.data,
		"NEO4J_PASSWORD="+s.password, "NEO4J_TEST_HEAP=512m", "NEO4J_TEST_PAGE_CACHE=64m")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		s.t.Fatalf("starting a Neo4j test server: %v\n%s", err, stderr.String())
	}
	m := pidRE.FindSubmatch(out)
	if m == nil {
		s.t.Fatalf("the test server script printed no PID: %s", out)
	}
	s.pid, _ = strconv.Atoi(string(m[1]))
}

// kill stops the server at once (SIGKILL: no clean shutdown, as in a
// crash) and waits until it is gone.
func (s *ownServer) kill() {
	if s.pid == 0 {
		return
	}
	_ = syscall.Kill(s.pid, syscall.SIGKILL)
	for i := 0; i < 200 && syscall.Kill(s.pid, 0) == nil; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	s.pid = 0
}

func (s *ownServer) config(password string) Config {
	return Config{URI: "neo4j://127.0.0.1:" + s.port, User: "neo4j", Password: password,
		ConnectTimeout: 60 * time.Second, QueryTimeout: 60 * time.Second}
}

// TestServerKilledAndRestarted kills the Neo4j server (by its PID) in the
// middle of a large write: the write fails as unavailable and leaves
// nothing half-written, reads fail as unavailable while it is down, and the
// same open store works again once the server is back, without reopening
// polgraph. A wrong password fails at Open at once, saying so.
func TestServerKilledAndRestarted(t *testing.T) {
	serverConfig(t) // gated like every Neo4j test
	srv := newOwnServer(t)
	t0 := time.Now()
	srv.start()
	t.Logf("server started in %s", time.Since(t0).Round(time.Millisecond))
	ctx := context.Background()

	t.Run("WrongPassword", func(t *testing.T) {
		octx, cancel := context.WithTimeout(ctx, srv.config("").ConnectTimeout)
		defer cancel()
		_, err := Open(octx, srv.config("not-the-password"))
		if err == nil || !strings.Contains(err.Error(), "authentication failed") {
			t.Fatalf("Open with a wrong password = %v, want an authentication failure", err)
		}
		if errors.Is(err, context.DeadlineExceeded) || octx.Err() != nil {
			t.Errorf("Open with a wrong password kept retrying until its deadline: %v", err)
		}
		if strings.Contains(err.Error(), "not-the-password") {
			t.Errorf("the error shows the password: %v", err)
		}
	})

	s, err := Open(ctx, srv.config(srv.password))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The first write to a fresh server compiles every statement it sends:
	// on a loaded machine that takes longer than the default query timeout.
	actx, acancel := context.WithTimeout(ctx, 5*time.Minute)
	defer acancel()
	if err := s.Apply(actx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	before, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("opened and loaded at %s", time.Since(t0).Round(time.Millisecond))

	const n = 20000
	var b kg.Batch
	for i := range n {
		b.Entities = append(b.Entities, kg.Entity{ID: fmt.Sprintf("bulk-%05d", i), Kind: kg.Person, Name: fmt.Sprintf("Person %d", i)})
	}
	// While the server is down, calls give up at their deadline instead
	// of the store's (long, for a cold server on a busy machine) one.
	downCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Apply(downCtx, b) }()
	time.Sleep(200 * time.Millisecond)
	srv.kill()
	if err := <-done; err != nil && kg.KindOf(err) != kg.KindUnavailable {
		t.Errorf("Apply while the server was killed = %v (kind %v), want unavailable", err, kg.KindOf(err))
	}
	downCtx, cancel = context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := s.Counts(downCtx); kg.KindOf(err) != kg.KindUnavailable {
		t.Errorf("Counts while the server is down = %v (kind %v), want unavailable", err, kg.KindOf(err))
	}

	t.Logf("killed and checked at %s", time.Since(t0).Round(time.Millisecond))
	srv.start()
	t.Logf("restarted at %s", time.Since(t0).Round(time.Millisecond))
	var after kg.Counts
	deadline := time.Now().Add(60 * time.Second)
	for {
		after, err = s.Counts(ctx)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("the store did not recover once the server was back: %v", err)
	}
	if after.Entities != before.Entities && after.Entities != before.Entities+n {
		t.Errorf("after the killed Apply the store holds %d entities, want %d (nothing written) or %d (all): a partial write",
			after.Entities, before.Entities, before.Entities+n)
	}
	// Writes work again on the same store.
	if err := s.Apply(ctx, kg.Batch{Entities: []kg.Entity{{ID: "p-after-restart", Kind: kg.Person, Name: "After Restart"}}}); err != nil {
		t.Errorf("Apply after the restart: %v", err)
	}
}
