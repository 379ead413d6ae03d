package export

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

func TestRunCLI(t *testing.T) {
	svc := openService(t, fixture())
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		file  string // a file that must exist afterwards, holding want
		want  string // in the file, or in stdout when file is ""
		kind  kg.ErrorKind
		fails bool
	}{
		{name: "format from -o", args: []string{"--seed", "han-dong", "-o", filepath.Join(dir, "n.gexf")}, file: "n.gexf", want: `<gexf `},
		{name: "stdout", args: []string{"--format", "cytoscape", "--seed", "han-dong", "--depth", "2", "--types", "MEMBER_OF,ACCUSED_IN", "--as-of", "2022"}, want: `"elements"`},
		{name: "whole graph ftm", args: []string{"-o", filepath.Join(dir, "all.ftm.json")}, file: "all.ftm.json", want: `"schema":"Occupancy"`},
		{name: "csv zip", args: []string{"--format", "csv", "-o", filepath.Join(dir, "g.zip")}, file: "g.zip", want: "relationships.csv"},
		{name: "csv directory", args: []string{"--format", "csv", "--seed", "han-dong", "-o", filepath.Join(dir, "neo")}, file: "neo/relationships.csv", want: ":START_ID(Entity)"},
		{name: "no format", args: []string{"--seed", "han-dong"}, fails: true, kind: kg.KindInvalid},
		{name: "unknown extension", args: []string{"-o", filepath.Join(dir, "x.txt")}, fails: true, kind: kg.KindInvalid},
		{name: "bad date", args: []string{"--format", "json", "--seed", "han-dong", "--as-of", "yesterday"}, fails: true, kind: kg.KindInvalid},
		{name: "unknown seed", args: []string{"--format", "json", "--seed", "nobody"}, fails: true, kind: kg.KindNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := RunCLI(context.Background(), svc, tt.args, &stdout, &stderr)
			if tt.fails {
				if err == nil || kg.KindOf(err) != tt.kind {
					t.Fatalf("err = %v (kind %v), want kind %v", err, kg.KindOf(err), tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatalf("RunCLI: %v\n%s", err, stderr.String())
			}
			got := stdout.String()
			if tt.file != "" {
				b, err := os.ReadFile(filepath.Join(dir, tt.file))
				if err != nil {
					t.Fatal(err)
				}
				got = string(b)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("output lacks %q", tt.want)
			}
		})
	}
	// A failed export leaves no file behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
