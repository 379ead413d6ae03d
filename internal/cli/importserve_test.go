package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const servedPopolo = `{"persons": [{"id": "p1", "name": "Ann One"}, {"id": "p2", "name": "Bob Two", "death_date": "not a date"}],
 "organizations": [{"id": "leg", "name": "House", "classification": "legislature"}, {"id": "party/a", "name": "A Party", "classification": "party"}],
 "memberships": [{"person_id": "p1", "organization_id": "leg", "on_behalf_of_id": "party/a", "start_date": "2001"}]}`

// ingest --format popolo and csv go through the server running on the
// data directory (importDataset), with the same summary as directly: the
// server holds the embedded store's lock, so a command that opened the
// store itself would fail.
func TestImportNextToServe(t *testing.T) {
	dir := t.TempDir()
	work := t.TempDir()
	file := filepath.Join(work, "house.json")
	if err := os.WriteFile(file, []byte(servedPopolo), 0o644); err != nil {
		t.Fatal(err)
	}
	startServe(t, dir)
	out := mustPolgraph(t, "ingest", "--data", dir, "--format", "popolo", "--publisher", "P", file)
	for _, want := range []string{
		"house.json: 5 records in 1 batches; entities: 3 created, 0 updated, 0 unchanged, 0 matched, 0 merged; relationships: 2 created",
		`failed: record p2: persons[1].death_date: "not a date" is not a date`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out = mustPolgraph(t, "ingest", "--data", dir, "--format", "popolo", file)
	if !strings.Contains(out, "entities: 0 created, 0 updated, 3 unchanged") {
		t.Errorf("a second import through the server:\n%s", out)
	}
	sheet := filepath.Join("..", "..", "examples", "spreadsheet")
	out = mustPolgraph(t, "ingest", "--data", dir, "--format", "csv", "--dataset-name", "Sheet",
		filepath.Join(sheet, "ties.csv"), filepath.Join(sheet, "actors.csv"))
	if !strings.Contains(out, "entities: 3 created") || !strings.Contains(out, "relationships: 1 created") {
		t.Errorf("a spreadsheet through the server:\n%s", out)
	}
	// The server wrote it: the audit log names importDataset.
	recs := auditExport(t, dir)
	n := 0
	for _, r := range recs {
		if r.Op == "importDataset" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d importDataset audit records, want 2 (the second Popolo import wrote nothing)", n)
	}
}
