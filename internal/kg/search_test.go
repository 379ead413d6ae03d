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
