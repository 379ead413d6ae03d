package kg

import "testing"

func TestDamerauLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		max  int
		want int
	}{
		{"trudeau", "trudeau", 1, 0},
		{"trudaeu", "trudeau", 1, 1}, // transposition
		{"wanzou", "wanzhou", 1, 1},  // insertion
		{"deng", "dong", 1, 1},       // substitution
		{"trduaeu", "trudeau", 1, 2}, // beyond max: max+1
		{"abcdefgh", "badcfehg", 4, 4},
		{"", "abc", 5, 3},
		{"abc", "abcdef", 2, 3},
	}
	var dl Distance
	for _, tt := range tests {
		if got := dl.Between([]rune(tt.a), []rune(tt.b), tt.max); got != tt.want {
			t.Errorf("damerauLevenshtein(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.max, got, tt.want)
		}
	}
}

// TestScorer: exact above prefix above typo, a whole-name match above a
// longer name, every word needed in one name, and the typo budget.
func TestScorer(t *testing.T) {
	sc := func(text string, names ...string) float64 {
		var toks [][]string
		for _, n := range names {
			toks = append(toks, Tokens(n))
		}
		return NewScorer(text).Score(toks)
	}
	exact, longer := sc("Han Dong", "Han Dong"), sc("Han Dong", "Han Dong Memorial Fund")
	prefix, typo := sc("Han Do", "Han Dong"), sc("Han Dnog", "Han Dong")
	if !(exact > longer && longer > prefix && prefix > typo && typo > 0) {
		t.Errorf("scores: exact %v, longer name %v, prefix %v, typo %v: want strictly decreasing and above 0", exact, longer, prefix, typo)
	}
	if got := sc("han meng", "Han Dong", "Meng Wanzhou"); got != 0 {
		t.Errorf("words spread over two names scored %v, want 0", got)
	}
	if got := sc("han meng", "Han Dong", "Han Meng"); got == 0 {
		t.Error("an alias with every word scored 0")
	}
	for text, want := range map[string]bool{"dnog": true, "hna": false, "trudxyu": false, "trudeaux": true} {
		if got := sc(text, "Dong Han", "Justin Trudeau") > 0; got != want {
			t.Errorf("%q matches: %v, want %v (TypoBudget)", text, got, want)
		}
	}
}
