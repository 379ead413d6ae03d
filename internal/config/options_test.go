package config

import (
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	c := Defaults()
	if c.Addr != "127.0.0.1:8080" || c.ShutdownTimeout != 10*time.Second || c.Introspection != nil || !c.IntrospectionFor(true) || c.IntrospectionFor(false) || c.Demo || c.RequestTimeout != 5*time.Second {
		t.Errorf("unexpected defaults: %+v", c)
	}
}

func TestEveryOptionHasEnvTwinAndUsage(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range Options() {
		if !strings.HasPrefix(o.Env, "POLGRAPH_") || o.Usage == "" || o.set == nil || o.get == nil {
			t.Errorf("option %s is incomplete: %+v", o.Name, o)
		}
		if seen[o.Env] {
			t.Errorf("env %s used twice", o.Env)
		}
		seen[o.Env] = true
	}
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(*Config) bool
	}{
		{"addr", map[string]string{"POLGRAPH_ADDR": "127.0.0.1:0"}, "", func(c *Config) bool { return c.Addr == "127.0.0.1:0" }},
		{"demo", map[string]string{"POLGRAPH_DEMO": "1"}, "", func(c *Config) bool { return c.Demo }},
		{"bad addr", map[string]string{"POLGRAPH_ADDR": "nope"}, "POLGRAPH_ADDR", nil},
		{"bad level", map[string]string{"POLGRAPH_LOG_LEVEL": "loud"}, "POLGRAPH_LOG_LEVEL", nil},
		{"bad bool", map[string]string{"POLGRAPH_DEMO": "perhaps"}, "POLGRAPH_DEMO", nil},
		{"bad duration", map[string]string{"POLGRAPH_SHUTDOWN_TIMEOUT": "-1s"}, "POLGRAPH_SHUTDOWN_TIMEOUT", nil},
		{"bad complexity", map[string]string{"POLGRAPH_MAX_COMPLEXITY": "0"}, "POLGRAPH_MAX_COMPLEXITY", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			err := c.FromEnv(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(c) {
				t.Fatalf("err = %v, config %+v", err, c)
			}
		})
	}
}

func TestSecretRedacted(t *testing.T) {
	c := Defaults()
	if err := c.Set("store", "neo4j://neo4j:hunter2@db:7687"); err != nil {
		t.Fatal(err)
	}
	if got := c.Get("store"); strings.Contains(got, "hunter2") || !strings.Contains(got, "db:7687") {
		t.Errorf("Get(store) = %q", got)
	}
	for _, a := range c.Attrs() {
		if strings.Contains(a.Value.String(), "hunter2") {
			t.Errorf("attrs leak the secret: %v", a)
		}
	}
}
