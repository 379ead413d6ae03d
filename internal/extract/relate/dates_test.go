package relate

import (
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

func TestDateIn(t *testing.T) {
	pub := kg.MustDate("2023-03-23") // a Thursday
	for _, tc := range []struct{ s, want string }{
		{"they were released on 24 september , 2021 .", "2021-09-24"},
		{"on september 24 , 2021 he left", "2021-09-24"},
		{"in february 2021 he spoke", "2021-02"},
		{"he was elected in 2019", "2019"},
		{"on wednesday , he left", "2023-03-22"},
		{"in february , he spoke", "2023-02"},
		{"in may , he spoke", "2022-05"},
		{"nothing here", ""},
	} {
		got := DateIn(tc.s, pub)
		if tc.want == "" {
			if !got.IsZero() {
				t.Errorf("%q: %s, want none", tc.s, got)
			}
			continue
		}
		if got.String() != tc.want {
			t.Errorf("%q: %s, want %s", tc.s, got, tc.want)
		}
	}
}
