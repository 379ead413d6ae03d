package popolo

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
)

// Generate writes a synthetic Popolo file of persons persons and
// memberships memberships (each in a legislature of ten terms, on behalf of
// one of twenty parties, for one of 150 areas), for the import benchmark.
// The same seed writes the same file.
func Generate(w io.Writer, persons, memberships int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	enc := func(v any) {
		b, _ := json.Marshal(v)
		bw.Write(b)
	}
	const parties, terms, areas = 20, 10, 150
	bw.WriteString(`{"persons":[`)
	first := []string{"Ann", "Bob", "Cai", "Dee", "Eli", "Fay", "Gus", "Hal", "Ida", "Jon", "Kim", "Lea", "Max", "Noa", "Oto", "Pia"}
	last := []string{"Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Green"}
	for i := 0; i < persons; i++ {
		if i > 0 {
			bw.WriteByte(',')
		}
		g, f := first[rng.IntN(len(first))], last[rng.IntN(len(last))]
		enc(map[string]any{
			"id": fmt.Sprintf("person/%d", i), "name": fmt.Sprintf("%s %s %d", g, f, i),
			"given_name": g, "family_name": f, "gender": []string{"female", "male"}[i%2],
			"birth_date":  fmt.Sprintf("%04d-%02d-%02d", 1930+rng.IntN(70), 1+rng.IntN(12), 1+rng.IntN(28)),
			"identifiers": []map[string]string{{"scheme": "wikidata", "identifier": fmt.Sprintf("Q%d", 900000000+i)}},
			"links":       []map[string]string{{"note": "website", "url": fmt.Sprintf("https://example.org/person/%d", i)}},
		})
	}
	bw.WriteString(`],"organizations":[`)
	enc(map[string]any{"id": "legislature", "name": "Generated House", "classification": "legislature"})
	for p := 0; p < parties; p++ {
		bw.WriteByte(',')
		enc(map[string]any{"id": fmt.Sprintf("party/%d", p), "name": fmt.Sprintf("Generated Party %d", p), "classification": "party"})
	}
	bw.WriteString(`],"events":[`)
	for t := 0; t < terms; t++ {
		if t > 0 {
			bw.WriteByte(',')
		}
		enc(map[string]any{"id": fmt.Sprintf("term/%d", t), "name": fmt.Sprintf("Term %d", t), "classification": "legislative period",
			"organization_id": "legislature", "start_date": fmt.Sprintf("%d-01-01", 1980+3*t), "end_date": fmt.Sprintf("%d-12-31", 1982+3*t)})
	}
	bw.WriteString(`],"areas":[`)
	for a := 0; a < areas; a++ {
		if a > 0 {
			bw.WriteByte(',')
		}
		enc(map[string]any{"id": fmt.Sprintf("area/%d", a), "name": fmt.Sprintf("Area %d", a), "type": "constituency"})
	}
	bw.WriteString(`],"memberships":[`)
	for m := 0; m < memberships; m++ {
		if m > 0 {
			bw.WriteByte(',')
		}
		// Spread the memberships over the persons; a person's k-th
		// membership is in a later term than the one before.
		p := m % max(persons, 1)
		k := m / max(persons, 1)
		term := (p + 3*k) % terms
		enc(map[string]any{"person_id": fmt.Sprintf("person/%d", p), "organization_id": "legislature", "role": "member",
			"on_behalf_of_id": fmt.Sprintf("party/%d", rng.IntN(parties)), "legislative_period_id": fmt.Sprintf("term/%d", term),
			"area_id": fmt.Sprintf("area/%d", rng.IntN(areas))})
	}
	bw.WriteString(`],"meta":{"sources":["https://example.org/generated"]}}`)
	return bw.Flush()
}
