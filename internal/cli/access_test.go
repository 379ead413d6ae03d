package cli

import (
	"errors"
	"net"
	"testing"

	"github.com/polgraph/polgraph/internal/config"
	"github.com/polgraph/polgraph/internal/server"
)

func TestAccessPolicy(t *testing.T) {
	for _, tc := range []struct {
		name       string
		flags      map[string]string
		keys       int
		reads      bool // reads need a key
		anon       server.AnonymousWrites
		refuseFlag bool
	}{
		{"loopback, no keys", map[string]string{"addr": "127.0.0.1:8080"}, 0, false, server.AnonymousWritesWithoutKeys, false},
		{"localhost, keys", map[string]string{"addr": "localhost:8080"}, 2, false, server.AnonymousWritesWithoutKeys, false},
		{"ipv6 loopback", map[string]string{"addr": "[::1]:8080"}, 0, false, server.AnonymousWritesWithoutKeys, false},
		{"loopback, reads need keys", map[string]string{"addr": "127.0.0.1:8080", "require-auth-for-reads": "true"}, 0, true, server.AnonymousWritesWithoutKeys, false},
		{"loopback, never anonymous", map[string]string{"addr": "127.0.0.1:8080", "allow-anonymous-writes": "false"}, 0, false, server.AnonymousWritesNever, false},
		{"public, keys", map[string]string{"addr": "0.0.0.0:8080"}, 1, true, server.AnonymousWritesNever, false},
		{"public, keys, open reads", map[string]string{"addr": "0.0.0.0:8080", "require-auth-for-reads": "false"}, 1, false, server.AnonymousWritesNever, false},
		{"public, no keys", map[string]string{"addr": "0.0.0.0:8080"}, 0, true, server.AnonymousWritesNever, true},
		{"all interfaces, no keys", map[string]string{"addr": ":8080"}, 0, true, server.AnonymousWritesNever, true},
		{"public, no keys, explicitly no anonymous", map[string]string{"addr": "10.0.0.5:8080", "allow-anonymous-writes": "false"}, 0, true, server.AnonymousWritesNever, true},
		{"public, anonymous writes", map[string]string{"addr": "0.0.0.0:8080", "allow-anonymous-writes": "true"}, 0, true, server.AnonymousWritesAlways, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Defaults()
			for k, v := range tc.flags {
				if err := cfg.Set(k, v); err != nil {
					t.Fatal(err)
				}
			}
			a, err := accessPolicy(cfg, tc.keys)
			if tc.refuseFlag {
				if !errors.Is(err, ErrUsage) {
					t.Fatalf("err = %v, want a refusal", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.ReadsNeedKey != tc.reads || a.AnonymousWrites != tc.anon {
				t.Errorf("policy = %+v, want reads need key %v, anonymous writes %v", a, tc.reads, tc.anon)
			}
		})
	}
}

func TestLocalURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080",
		"0.0.0.0:8080":   "http://127.0.0.1:8080",
		"[::]:8080":      "http://[::1]:8080",
		"10.1.2.3:80":    "http://10.1.2.3:80",
	} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := localURL(a); got != want {
			t.Errorf("localURL(%s) = %s, want %s", addr, got, want)
		}
	}
}
