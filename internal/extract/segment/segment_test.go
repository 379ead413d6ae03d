package segment

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func texts(ss []Sentence) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Text)
	}
	return out
}

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{"abbreviations", "Mr. Smith met Dr. Jones in the U.S. on Monday. They talked.",
			[]string{"Mr. Smith met Dr. Jones in the U.S. on Monday.", "They talked."}},
		{"quote keeps its stops", "“It is false. I will fight,” he said. Then he left.",
			[]string{"“It is false. I will fight,” he said.", "Then he left."}},
		{"quote closing a sentence", "She said: “We are done.” The vote followed.",
			[]string{"She said: “We are done.”", "The vote followed."}},
		{"lines", "Headline Of The Day\nFirst sentence. Second one!\n\nThird?",
			[]string{"Headline Of The Day", "First sentence.", "Second one!", "Third?"}},
		{"lower case after stop", "He left at 5 p.m. yesterday.", []string{"He left at 5 p.m. yesterday."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, texts(Split(tc.in))); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestOffsetsAreRunes(t *testing.T) {
	text := "Zoë’s party — “Ça va.” Then China’s consul-general, Han Tao, spoke of 1,000 days."
	rs := []rune(text)
	for _, s := range Split(text) {
		if string(rs[s.Start:s.End]) != s.Text {
			t.Errorf("sentence offsets %d..%d give %q, not %q", s.Start, s.End, string(rs[s.Start:s.End]), s.Text)
		}
		for _, tk := range s.Tokens {
			if string(rs[tk.Start:tk.End]) != tk.Text {
				t.Errorf("token offsets %d..%d give %q, not %q", tk.Start, tk.End, string(rs[tk.Start:tk.End]), tk.Text)
			}
		}
	}
	var got []string
	for _, tk := range Tokenize(text) {
		got = append(got, tk.Text)
	}
	want := []string{"Zoë", "’s", "party", "—", "“", "Ça", "va", ".", "”", "Then", "China", "’s", "consul-general", ",", "Han", "Tao", ",", "spoke", "of", "1,000", "days", "."}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("tokens (-want +got)\n%s", d)
	}
}

func TestHeadline(t *testing.T) {
	ss := Split("Canada MP Han Dong Steps Down Over Claims\nA Canadian member of parliament has stepped down.")
	if len(ss) != 2 || !ss[0].Headline || ss[1].Headline {
		t.Fatalf("headline flags wrong: %+v", ss)
	}
}
