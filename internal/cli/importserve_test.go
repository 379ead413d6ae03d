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

// ingest --match and --batch-size, and duplicates --scan, go through the
// server too, printing what they print on the store directly.
func TestResolveNextToServe(t *testing.T) {
	fixture := filepath.Join("..", "resolve", "testdata", "canada-commons.popolo.json")
	demo := filepath.Join("..", "..", "examples", "han-dong-bbc.dossier.json")
	const merged = "canada-commons.popolo.json: resolution: 1 stored entities merged into imported ones"

	// Directly, for the record of what the server must print.
	local := t.TempDir()
	mustPolgraph(t, "ingest", "--data", local, demo)
	want := mustPolgraph(t, "ingest", "--data", local, "--format", "popolo", "--match", "exact", fixture)
	if !strings.Contains(want, merged) {
		t.Fatalf("ingest --match on the store:\n%s", want)
	}

	dir := t.TempDir()
	mustPolgraph(t, "ingest", "--data", dir, demo)
	startServe(t, dir)
	got := mustPolgraph(t, "ingest", "--data", dir, "--format", "popolo", "--match", "exact", "--batch-size", "2", fixture)
	if !strings.Contains(got, merged) {
		t.Errorf("ingest --match through the server:\n%s", got)
	}
	if !strings.Contains(got, "in 4 batches") {
		t.Errorf("--batch-size 2 through the server did not write 4 batches:\n%s", got)
	}
	if _, err := polgraph(t, "ingest", "--data", dir, "--format", "popolo", "--batch-size", "30000", fixture); err == nil ||
		!strings.Contains(err.Error(), "batchSize: 30000 records per write is above this server's maximum 24999") {
		t.Errorf("--batch-size above the server's maximum: %v", err)
	}
	// Without --batch-size the two print the same, but for the batches.
	first := func(s string) string { return strings.SplitN(s, "\n", 2)[0] }
	again := mustPolgraph(t, "ingest", "--data", dir, "--format", "popolo", "--match", "exact", fixture)
	wantAgain := mustPolgraph(t, "ingest", "--data", local, "--format", "popolo", "--match", "exact", fixture)
	if first(again) != first(wantAgain) {
		t.Errorf("a second import: through the server\n%s\ndirectly\n%s", again, wantAgain)
	}

	// duplicates --scan: the same pairs recorded and listed both ways
	// (the server holds the store's lock: the scan is its write), audited.
	sheet := filepath.Join(t.TempDir(), "actors.csv")
	if err := os.WriteFile(sheet, []byte("id,kind,name\nhd,person,Dong Han\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{local, dir} {
		mustPolgraph(t, "ingest", "--data", d, "--format", "csv", "--dataset-name", "Typos", sheet)
	}
	wantScan := mustPolgraph(t, "duplicates", "--data", local, "--scan", "--kind", "person")
	gotScan := mustPolgraph(t, "duplicates", "--data", dir, "--scan", "--kind", "person")
	if gotScan != wantScan {
		t.Errorf("duplicates --scan through the server:\n%s\ndirectly:\n%s", gotScan, wantScan)
	}
	if !strings.HasPrefix(gotScan, "scan: ") || strings.HasPrefix(gotScan, "scan: 0 ") {
		t.Errorf("the scan found nothing:\n%s", gotScan)
	}
	n := 0
	for _, r := range auditExport(t, dir) {
		if r.Op == "scanDuplicates" && len(r.Duplicates) > 0 {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d scanDuplicates audit records with pairs, want 1", n)
	}
}

// The README's malformed-input example ("Importing data"), verbatim: what
// ingest prints for a Popolo person born in month 13.
func TestReadmeMalformedImport(t *testing.T) {
	work := t.TempDir()
	file := filepath.Join(work, "house.json")
	doc := `{"persons": [{"id": "p1", "name": "Ann"}, {"id": "p2", "name": "Bob", "birth_date": "1970-13-01"}]}`
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustPolgraph(t, "ingest", "--data", t.TempDir(), "--format", "popolo", file)
	out = strings.ReplaceAll(out, work+string(filepath.Separator), "")
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var block strings.Builder
	for _, line := range strings.SplitAfter(out, "\n") {
		if line != "" {
			block.WriteString("  " + line)
		}
	}
	if want := "  ```\n" + block.String() + "  ```"; !strings.Contains(string(readme), want) {
		t.Errorf("README.md does not show what ingest prints:\n%s", want)
	}
}
