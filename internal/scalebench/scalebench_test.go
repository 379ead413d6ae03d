package scalebench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// childEnv makes the test binary act as the benchmark's child: measure the
// directory named by its last argument with the samples the variable
// holds, and print the figures.
const childEnv = "POLGRAPH_SCALEBENCH_CHILD"

func TestMain(m *testing.M) {
	if samples, _ := strconv.Atoi(os.Getenv(childEnv)); samples > 0 {
		f, err := Measure(context.Background(), os.Args[len(os.Args)-1], samples)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		json.NewEncoder(os.Stdout).Encode(f)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRun measures two small graphs, in this process and in a child, and
// checks that every figure is there and consistent with the graph.
func TestRun(t *testing.T) {
	for _, child := range []bool{false, true} {
		t.Run(fmt.Sprintf("child %v", child), func(t *testing.T) {
			o := Options{Sizes: []int{2000, 3000}, Batch: 700, Samples: 4, Dir: t.TempDir()}
			if child {
				t.Setenv(childEnv, strconv.Itoa(o.Samples))
				o.Child = []string{os.Args[0], "-test.run=^$"}
			}
			var got []Result
			if err := Run(context.Background(), o, func(r Result) { got = append(got, r) }); err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 {
				t.Fatalf("%d results, want 2", len(got))
			}
			for i, r := range got {
				want := o.Sizes[i]
				if r.Relationships != want || r.Relations != want || r.Entities != want/PerEntity {
					t.Errorf("result %d: %d relationships (store holds %d), %d entities; want %d and %d", i, r.Relationships, r.Relations, r.Entities, want, want/PerEntity)
				}
				if r.Load <= 0 || r.Open <= 0 || r.FileBytes <= 0 || r.Heap == 0 {
					t.Errorf("result %d: missing figures: %+v", i, r)
				}
				if runtime.GOOS == "linux" && r.RSS == 0 {
					t.Errorf("result %d: no resident size", i)
				}
				for name, l := range map[string]Latency{"network": r.Network, "paths": r.Paths, "search": r.Search} {
					if l.N != o.Samples || l.P50 <= 0 || l.P99 < l.P50 {
						t.Errorf("result %d: %s latency %+v", i, name, l)
					}
				}
			}
			if entries, _ := os.ReadDir(o.Dir); len(entries) != 0 {
				t.Errorf("stores left in %s without Keep", o.Dir)
			}
			var table bytes.Buffer
			WriteTable(&table, got)
			if !strings.Contains(table.String(), "| 2k (200) |") || !strings.Contains(table.String(), "| 3k (300) |") {
				t.Errorf("table lacks its rows:\n%s", table.String())
			}
		})
	}
}
