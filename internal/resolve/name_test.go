package resolve

import (
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

func TestCompareNamesRealPairs(t *testing.T) {
	cases := []struct {
		a, b string
		want NameMatch
	}{
		// Case, accents, punctuation.
		{"Mélanie Joly", "MELANIE JOLY", NameExact},
		{"Jean-Yves Le Drian", "Jean Yves Le Drian", NameExact},
		{"Dominic O'Rourke", "Dominic ORourke", NameExact},
		// Honorifics and post-nominals.
		{"Hon. Michael Chong MP", "Michael Chong", NameExact},
		{"Rt Hon Sir Keir Starmer KC", "Keir Starmer", NameExact},
		{"Dr. Kerry Chant", "Kerry Chant", NameExact},
		// "Last, First" and family name first.
		{"Dong, Han", "Han Dong", NameExact},
		{"Albanese, Anthony", "Anthony Albanese", NameExact},
		{"Michael Chong, MP", "Michael Chong", NameExact},
		{"Meng Wanzhou", "Wanzhou Meng", NameReordered},
		// Romanised Russian and Ukrainian.
		{"Dmitriy Medvedev", "Dmitry Medvedev", NameTransliterated},
		{"Dmitrii Peskov", "Dmitry Peskov", NameTransliterated},
		{"Volodymyr Zelenskyy", "Volodymyr Zelensky", NameTransliterated},
		{"Volodymyr Zelenskiy", "Volodymyr Zelenskyj", NameTransliterated},
		{"Sergei Lavrov", "Sergey Lavrov", NameTransliterated},
		{"Alexei Navalny", "Aleksey Navalnyy", NameTransliterated},
		{"Yulia Tymoshenko", "Yuliya Tymoshenko", NameTransliterated},
		{"Iulia Tymoshenko", "Yulia Tymoshenko", NameTransliterated},
		{"Yevgeny Prigozhin", "Evgeniy Prigozhin", NameTransliterated},
		{"Mikhail Khodorkovsky", "Mikhail Hodorkovsky", NameTransliterated},
		{"Pyotr Tolstoy", "Petr Tolstoy", NameTransliterated},
		// Wade–Giles and Pinyin; hyphenated given names.
		{"Mao Tse-tung", "Mao Zedong", NameTransliterated},
		{"Teng Hsiao-ping", "Deng Xiaoping", NameTransliterated},
		{"Chou En-lai", "Zhou Enlai", NameTransliterated},
		{"Hsi Chin-p'ing", "Xi Jinping", NameTransliterated},
		{"Xi Jin Ping", "Xi Jinping", NameSpacing},
		// Initials.
		{"J. Trudeau", "Justin Trudeau", NameInitials},
		{"Justin P. J. Trudeau", "Justin Trudeau", NameInitials},
		{"P. E. Trudeau", "Pierre Elliott Trudeau", NameInitials},
		// Typos.
		{"Michael Chnog", "Michael Chong", NameTypo},
		{"Jagmeet Singh", "Jagmet Singh", NameTypo},
		// Not the same.
		{"Han Dong", "Han Deng", NameNone},
		{"Justin Trudeau", "Pierre Trudeau", NameNone},
		{"Han Dong", "Han Tao", NameNone},
		{"Dong", "Han Dong", NameNone},
		{"Michael Kovrig", "Michael Spavor", NameNone},
		{"Chang Wei", "Zhang Wei", NameTypo}, // Pinyin Chang is not Zhang: a candidate at most
		{"J. Trudeau", "Pierre Trudeau", NameNone},
	}
	for _, c := range cases {
		t.Run(c.a+"~"+c.b, func(t *testing.T) {
			if got := CompareNames(ParseName(c.a), ParseName(c.b)); got != c.want {
				t.Errorf("CompareNames(%q, %q) = %q (%v ~ %v), want %q", c.a, c.b, got, ParseName(c.a).Tokens, ParseName(c.b).Tokens, c.want)
			}
			if got := CompareNames(ParseName(c.b), ParseName(c.a)); got != c.want {
				t.Errorf("CompareNames(%q, %q) = %q, want %q (not symmetric)", c.b, c.a, got, c.want)
			}
		})
	}
}

func TestScore(t *testing.T) {
	d := kg.MustDate
	person := func(name string, mod func(*kg.Entity)) Subject {
		e := kg.Entity{Kind: kg.Person, Name: name}
		if mod != nil {
			mod(&e)
		}
		return Subject{Entity: e}
	}
	wd := func(q string) func(*kg.Entity) {
		return func(e *kg.Entity) { e.Identifiers = []kg.Identifier{{Scheme: "wikidata", Value: q}} }
	}
	born := func(s string) func(*kg.Entity) { return func(e *kg.Entity) { e.BirthDate = d(s) } }
	party := func(s Subject, p string) Subject { s.Parties = []string{p}; return s }
	cases := []struct {
		name     string
		a, b     Subject
		min, max float64
		reason   string
	}{
		{"SharedWikidata", person("Han Dong", wd("Q56")), person("Dong Han MP", wd("Q56")), 1, 1, ReasonIdentifier},
		{"ConflictingWikidata", person("Han Dong", wd("Q1")), person("Han Dong", wd("Q2")), 0, 0.2, ReasonIdentifierConflict},
		{"NameAlone", person("Han Dong", nil), person("Han Dong", nil), 0.7, 0.7, "NAME_EXACT"},
		{"NameAndBirth", person("Han Dong", born("1977")), person("Han Dong", born("1977-08-01")), 0.9, 0.9, ReasonBirthDate},
		{"NameAndParty", party(person("Han Dong", nil), "o-liberal"), party(person("Han Dong", nil), "o-liberal"), 0.85, 0.85, ReasonParty},
		{"BirthConflict", person("Han Dong", born("1977")), person("Han Dong", born("1950")), 0.2, 0.2, ReasonBirthDateConflict},
		{"Alias", person("Han Dong", func(e *kg.Entity) { e.Aliases = []string{"Mr Dong"} }), person("Dong, Han", nil), 0.7, 0.7, "NAME_EXACT"},
		{"Transliterated", person("Sergei Lavrov", nil), person("Sergey Lavrov", nil), 0.65, 0.65, "NAME_TRANSLITERATED"},
		{"Unrelated", person("Han Dong", nil), person("Han Tao", nil), 0, 0, ""},
		{"OtherKinds", person("Canada", nil), Subject{Entity: kg.Entity{Kind: kg.Country, Name: "Canada"}}, 0, 0, ""},
		{"Organizations", Subject{Entity: kg.Entity{Kind: kg.Organization, Name: "Liberal Party of Canada", Classification: kg.Party}},
			Subject{Entity: kg.Entity{Kind: kg.Organization, Name: "Liberal Party of Canada", Classification: kg.Party}}, 0.85, 0.85, ReasonClassification},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, reasons := Score(c.a, c.b)
			if got < c.min || got > c.max {
				t.Errorf("score %v, want %v..%v (%s)", got, c.min, c.max, Describe(reasons))
			}
			if c.reason == "" {
				if len(reasons) != 0 {
					t.Errorf("reasons %s, want none", Describe(reasons))
				}
				return
			}
			found := false
			for _, r := range reasons {
				found = found || r.Kind == c.reason
			}
			if !found {
				t.Errorf("reasons %s lack %s", Describe(reasons), c.reason)
			}
			if back, _ := Score(c.b, c.a); back != got {
				t.Errorf("not symmetric: %v one way, %v the other", got, back)
			}
		})
	}
}
