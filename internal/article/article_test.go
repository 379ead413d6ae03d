package article

import (
	"os"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

func TestParseHTML(t *testing.T) {
	page, err := os.ReadFile("testdata/minister.html")
	if err != nil {
		t.Fatal(err)
	}
	if !IsHTML(page) {
		t.Fatal("IsHTML = false for an HTML page")
	}
	d, err := Read(page, "")
	if err != nil {
		t.Fatal(err)
	}
	want := Document{Title: "Finance minister resigns over contracts", URL: "https://herald.example/politics/finance-minister-resigns",
		Outlet: "The Harbour Herald", Byline: "Ana Ferreira", Published: kg.MustDate("2024-05-14")}
	got := d
	got.Text = ""
	if got != want {
		t.Errorf("metadata = %+v\nwant       %+v", got, want)
	}
	for _, s := range []string{"Portugal's finance minister, Rui Matos, resigned on Tuesday", "Carlos Pinto.", "Diário do Porto"} {
		if !strings.Contains(d.Text, s) {
			t.Errorf("text lacks %q:\n%s", s, d.Text)
		}
	}
	for _, s := range []string{"Subscribe now", "All rights reserved", "Sport"} {
		if strings.Contains(d.Text, s) {
			t.Errorf("text keeps the page's clutter %q:\n%s", s, d.Text)
		}
	}
	if strings.Contains(d.Text, "\n\n\n") {
		t.Errorf("text keeps runs of blank lines:\n%q", d.Text)
	}
}

func TestReadText(t *testing.T) {
	d, err := Read([]byte("MP changes party\n\nJane Roe left the Green Party."), "https://example.org/a")
	if err != nil || d.Text != "MP changes party\n\nJane Roe left the Green Party." || d.URL != "https://example.org/a" || d.Title != "" {
		t.Errorf("Read(text) = %+v, %v", d, err)
	}
	if IsHTML([]byte("Less than <b>this</b> is text")) {
		t.Error("text starting with a word is not HTML")
	}
	if _, err := Read([]byte{0xff, 0xfe, 'a'}, ""); err == nil {
		t.Error("invalid UTF-8 was read as text")
	}
	if _, err := Read([]byte("<html><body></body></html>"), ""); err == nil {
		t.Error("a page without text was read")
	}
}
