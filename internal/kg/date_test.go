package kg

import "testing"

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{in: "", want: Date{}},
		{in: "2019", want: Date{Year: 2019}},
		{in: "2019-10", want: Date{Year: 2019, Month: 10}},
		{in: "2019-10-21", want: Date{Year: 2019, Month: 10, Day: 21}},
		{in: "2024-02-29", want: Date{Year: 2024, Month: 2, Day: 29}},
		{in: "2023-02-29", wantErr: true},
		{in: "2019-13", wantErr: true},
		{in: "2019-00", wantErr: true},
		{in: "0000", wantErr: true},
		{in: "19", wantErr: true},
		{in: "2019/10", wantErr: true},
		{in: "2019-1-01", wantErr: true},
		{in: "20x9", wantErr: true},
		{in: "-201", wantErr: true},
		{in: "2019-10-21T00:00", wantErr: true},
		{in: "+019", wantErr: true},
		{in: "2019-+1", wantErr: true},
		{in: "2019--1", wantErr: true},
		{in: "2019-02-30", wantErr: true},
		{in: "2019-04-31", wantErr: true},
		{in: "2019-1\u0662", wantErr: true}, // an Arabic-Indic digit
		{in: " 2019", wantErr: true},
		{in: "2019-10-+1", wantErr: true},
		{in: "1900-02-29", wantErr: true},
		{in: "2000-02-29", want: Date{Year: 2000, Month: 2, Day: 29}},
		{in: "0001-01-01", want: Date{Year: 1, Month: 1, Day: 1}},
		{in: "9999-12-31", want: Date{Year: 9999, Month: 12, Day: 31}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseDate(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("ParseDate(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if err == nil && got.String() != tt.in {
				t.Fatalf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestDateBounds(t *testing.T) {
	tests := []struct {
		in     string
		lo, hi int
	}{
		{"2019", 20190101, 20191231},
		{"2024-02", 20240201, 20240229},
		{"2023-02", 20230201, 20230228},
		{"2019-10-21", 20191021, 20191021},
		{"", 0, 99991231},
	}
	for _, tt := range tests {
		d := MustDate(tt.in)
		if d.Lo() != tt.lo || d.Hi() != tt.hi {
			t.Errorf("%q: Lo, Hi = %d, %d; want %d, %d", tt.in, d.Lo(), d.Hi(), tt.lo, tt.hi)
		}
	}
}

func TestValidDuring(t *testing.T) {
	tests := []struct {
		name               string
		since, until, asOf string
		want               bool
	}{
		{"no asOf keeps all", "2019", "2023-03-22", "", true},
		{"inside", "2019", "2023-03-22", "2022-01-01", true},
		{"after until", "2019", "2023-03-22", "2023-04-01", false},
		{"on until day", "2019", "2023-03-22", "2023-03-22", true},
		{"before since", "2019", "", "2018-12-31", false},
		{"during since year", "2019", "", "2019-06", true},
		{"open both ends", "", "", "1900", true},
		{"month overlaps until", "", "2023-03-22", "2023-03", true},
		{"year before since month", "2021-09", "", "2020", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ValidDuring(MustDate(tt.since), MustDate(tt.until), MustDate(tt.asOf))
			if got != tt.want {
				t.Fatalf("ValidDuring(%q, %q, %q) = %v, want %v", tt.since, tt.until, tt.asOf, got, tt.want)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	type wrap struct {
		D Date `json:"d,omitzero"`
	}
	for _, in := range []string{"2019", "2019-10", "2019-10-21"} {
		b, err := MustDate(in).MarshalJSON()
		if err != nil || string(b) != `"`+in+`"` {
			t.Fatalf("MarshalJSON(%q) = %s, %v", in, b, err)
		}
		var d Date
		if err := d.UnmarshalJSON(b); err != nil || d != MustDate(in) {
			t.Fatalf("UnmarshalJSON(%s) = %+v, %v", b, d, err)
		}
	}
	var d Date
	if err := d.UnmarshalJSON([]byte(`"2019-02-30"`)); err == nil {
		t.Fatal("UnmarshalJSON accepted 2019-02-30")
	}
	if err := d.UnmarshalJSON([]byte(`2019`)); err == nil {
		t.Fatal("UnmarshalJSON accepted a number")
	}
}
