package kg

import (
	"slices"
	"time"
)

// Equality as stored: two values are the same when a store would hold
// them alike (an empty list and a missing one are the same; times are
// compared as instants). These run for every item of every write (the
// audit record, Decide, the importers' idempotence), so they compare
// field by field; TestSameCoversEveryField keeps them complete.

// SameEntity reports whether two entity values are equal as stored.
func SameEntity(a, b *Entity) bool {
	return a.ID == b.ID && a.Kind == b.Kind && a.Name == b.Name &&
		a.Description == b.Description && a.BirthDate == b.BirthDate && a.DeathDate == b.DeathDate &&
		a.Gender == b.Gender && a.Publisher == b.Publisher && a.Licence == b.Licence &&
		a.Retrieved == b.Retrieved && a.Classification == b.Classification && a.CountryCode == b.CountryCode &&
		a.Title == b.Title && a.URL == b.URL && a.Outlet == b.Outlet && a.Published == b.Published &&
		a.Text == b.Text && a.Summary == b.Summary && a.Status == b.Status && a.Date == b.Date &&
		a.EventType == b.EventType && a.Quote == b.Quote && a.Speaker == b.Speaker &&
		slices.Equal(a.Aliases, b.Aliases) && slices.Equal(a.Identifiers, b.Identifiers) &&
		slices.Equal(a.Attributes, b.Attributes) && slices.Equal(a.MergedFrom, b.MergedFrom) &&
		slices.EqualFunc(a.Sources, b.Sources, sameSource)
}

// SameRelationship reports whether two relationship values are equal as
// stored.
func SameRelationship(a, b *Relationship) bool {
	return a.ID == b.ID && a.Type == b.Type && a.From == b.From && a.To == b.To &&
		a.Role == b.Role && a.Since == b.Since && a.Until == b.Until && a.Unsupported == b.Unsupported &&
		slices.Equal(a.Attributes, b.Attributes) && sameEvidenceList(a.Evidence, b.Evidence)
}

func sameEvidenceList(a, b []Evidence) bool { return slices.EqualFunc(a, b, SameEvidence) }

// SameEvidence reports whether two pieces of evidence are equal as stored.
func SameEvidence(a, b Evidence) bool {
	return a.Article == b.Article && a.Quote == b.Quote && a.Confidence == b.Confidence &&
		a.Dataset == b.Dataset && a.Record == b.Record && a.File == b.File && sameTime(a.Imported, b.Imported)
}

func sameSource(a, b Source) bool {
	return a.Dataset == b.Dataset && a.Record == b.Record && a.File == b.File && sameTime(a.Imported, b.Imported)
}

func sameTime(a, b time.Time) bool { return a.Equal(b) }
