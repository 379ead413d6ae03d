package resolve

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// Subject is an entity with the ties that support a match: the parties
// it is a member of and the countries it is a citizen of (ids).
type Subject struct {
	Entity    kg.Entity
	Parties   []string
	Countries []string
}

// Reason kinds.
const (
	ReasonIdentifier         = "IDENTIFIER"          // the same identifier (scheme and value)
	ReasonIdentifierConflict = "IDENTIFIER_CONFLICT" // the same scheme, other values: not the same
	ReasonBirthDate          = "BIRTH_DATE"
	ReasonBirthDateConflict  = "BIRTH_DATE_CONFLICT"
	ReasonDeathDateConflict  = "DEATH_DATE_CONFLICT"
	ReasonGenderConflict     = "GENDER_CONFLICT"
	ReasonClassification     = "CLASSIFICATION" // organizations of one classification
	ReasonClassConflict      = "CLASSIFICATION_CONFLICT"
	ReasonCountryCode        = "COUNTRY_CODE"
	ReasonParty              = "PARTY"   // a party both are members of
	ReasonCountry            = "COUNTRY" // a country both are citizens of
	// Name reasons are "NAME_" or "ALIAS_" (when an alias matched) and the
	// NameMatch: NAME_EXACT, ALIAS_TRANSLITERATED, ...
)

// Weights: what each agreement adds to the score. A name alone scores at
// most 0.7, below the default threshold (DefaultThreshold): an exact name
// needs a second agreement (birth date, shared party, classification) for
// an automatic match. A shared identifier decides alone.
var nameWeights = map[NameMatch]float64{
	NameExact:          0.7,
	NameTransliterated: 0.65,
	NameReordered:      0.6,
	NameSpacing:        0.6,
	NameInitials:       0.45,
	NameTypo:           0.45,
}

const (
	aliasFactor        = 0.9 // a match through an alias weighs a little less
	weightBirth        = 0.2
	weightBirthBad     = -0.5
	weightDeathBad     = -0.5
	weightGenderBad    = -0.3
	weightClass        = 0.15
	weightClassBad     = -0.3
	weightParty        = 0.15
	weightCountry      = 0.05
	conflictCap        = 0.2 // the most a pair with conflicting identifiers scores
	DefaultThreshold   = 0.85
	DefaultCandidateAt = 0.4 // below this, a pair is not worth a curator's look
)

// singleValued are identifier schemes under which an entity has one value:
// two values of one of them mean two entities.
var singleValued = map[string]bool{"wikidata": true, "everypolitician": true, "isni": true, "viaf": true, "lei": true, "opencorporates": true}

// Score gives a confidence in 0..1 that a and b are the same entity, and
// the reasons. Entities of different kinds score 0 with no reasons.
func Score(a, b Subject) (float64, []kg.MatchReason) {
	ea, eb := &a.Entity, &b.Entity
	if ea.Kind != eb.Kind {
		return 0, nil
	}
	var reasons []kg.MatchReason
	add := func(kind, detail string, w float64) {
		reasons = append(reasons, kg.MatchReason{Kind: kind, Detail: detail, Weight: w})
	}

	// Identifiers.
	shared, conflict := false, false
	byScheme := map[string][]string{}
	for _, id := range eb.Identifiers {
		byScheme[strings.ToLower(id.Scheme)] = append(byScheme[strings.ToLower(id.Scheme)], id.Value)
	}
	conflicts := map[string]bool{}
	for _, id := range ea.Identifiers {
		scheme := strings.ToLower(id.Scheme)
		vals := byScheme[scheme]
		switch {
		case slices.Contains(vals, id.Value):
			add(ReasonIdentifier, id.Scheme+" "+id.Value, 1)
			shared = true
		case len(vals) > 0 && singleValued[scheme]:
			conflicts[scheme] = true
		}
	}
	for _, scheme := range slices.Sorted(maps.Keys(conflicts)) {
		// A conflict only counts when no value of the scheme is shared.
		if !slices.ContainsFunc(ea.Identifiers, func(id kg.Identifier) bool {
			return strings.ToLower(id.Scheme) == scheme && slices.Contains(byScheme[scheme], id.Value)
		}) {
			conflict = true
			add(ReasonIdentifierConflict, scheme, conflictCap-1)
		}
	}

	score := 0.0
	if shared {
		score = 1
	}
	if ea.Kind == kg.Country && ea.CountryCode != "" && ea.CountryCode == eb.CountryCode {
		add(ReasonCountryCode, ea.CountryCode, 1)
		score = 1
	}

	// Names: the best agreement of any name or alias with any other.
	best, bestW, detail := NameNone, 0.0, ""
	na, nb := ea.Names(), eb.Names()
	pb := make([]Name, len(nb))
	for j, n := range nb {
		pb[j] = ParseName(n)
	}
	for i, x := range na {
		px := ParseName(x)
		for j, y := range nb {
			m := CompareNames(px, pb[j])
			w := nameWeights[m]
			if i > 0 || j > 0 {
				w *= aliasFactor
			}
			if w > bestW {
				best, bestW = m, w
				prefix := "NAME_"
				if i > 0 || j > 0 {
					prefix = "ALIAS_"
				}
				detail = prefix + string(m) + "\x00" + x + " ~ " + y
			}
		}
	}
	if best != NameNone {
		kind, d, _ := strings.Cut(detail, "\x00")
		add(kind, d, round(bestW))
	}
	if !shared && score < 1 && best == NameNone {
		return 0, nil // nothing says they are the same
	}
	if score < 1 {
		score = bestW
	}

	// Supporting evidence.
	if !ea.BirthDate.IsZero() && !eb.BirthDate.IsZero() {
		if overlap(ea.BirthDate, eb.BirthDate) {
			add(ReasonBirthDate, ea.BirthDate.String()+" ~ "+eb.BirthDate.String(), weightBirth)
			score += weightBirth
		} else {
			add(ReasonBirthDateConflict, ea.BirthDate.String()+" ≠ "+eb.BirthDate.String(), weightBirthBad)
			score += weightBirthBad
		}
	}
	if !ea.DeathDate.IsZero() && !eb.DeathDate.IsZero() && !overlap(ea.DeathDate, eb.DeathDate) {
		add(ReasonDeathDateConflict, ea.DeathDate.String()+" ≠ "+eb.DeathDate.String(), weightDeathBad)
		score += weightDeathBad
	}
	if ga, gb := strings.ToLower(ea.Gender), strings.ToLower(eb.Gender); ga != "" && gb != "" && ga != gb {
		add(ReasonGenderConflict, ga+" ≠ "+gb, weightGenderBad)
		score += weightGenderBad
	}
	if ea.Kind == kg.Organization && ea.Classification != "" && eb.Classification != "" {
		if ea.Classification == eb.Classification {
			add(ReasonClassification, string(ea.Classification), weightClass)
			score += weightClass
		} else {
			add(ReasonClassConflict, string(ea.Classification)+" ≠ "+string(eb.Classification), weightClassBad)
			score += weightClassBad
		}
	}
	if p := common(a.Parties, b.Parties); p != "" {
		add(ReasonParty, p, weightParty)
		score += weightParty
	}
	if c := common(a.Countries, b.Countries); c != "" {
		add(ReasonCountry, c, weightCountry)
		score += weightCountry
	}
	if conflict {
		score = min(score, conflictCap)
	}
	return round(math.Max(0, math.Min(1, score))), reasons
}

// overlap reports whether two dates of any precision can be the same day
// (1977 and 1977-05-04 can).
func overlap(a, b kg.Date) bool { return a.Lo() <= b.Hi() && b.Lo() <= a.Hi() }

func common(a, b []string) string {
	for _, x := range a {
		if slices.Contains(b, x) {
			return x
		}
	}
	return ""
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }

// Describe renders reasons for a person to read.
func Describe(reasons []kg.MatchReason) string {
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = fmt.Sprintf("%s %s (%+.2f)", r.Kind, r.Detail, r.Weight)
	}
	return strings.Join(parts, "; ")
}
