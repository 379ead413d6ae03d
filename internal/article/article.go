// Package article turns a news article as it arrives (plain text or an
// HTML page) into what kg.Service.IngestArticle reads: the main text, with
// the title, URL, outlet, byline and publication date the document gives
// (meta tags, JSON-LD). HTML goes through a readability extraction
// (codeberg.org/readeck/go-readability), which keeps the article's body
// and drops navigation, advertising and scripts.
package article

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"

	"github.com/polgraph/polgraph/internal/kg"
)

// MaxSize is the most an article may be, in bytes, as text or HTML.
const MaxSize = kg.MaxArticleHTML

// Document is what was read from an article: its text and what the
// document says about it. Fields it does not give are empty.
type Document struct {
	Title     string
	URL       string
	Outlet    string
	Byline    string
	Published kg.Date
	Text      string
}

// IsHTML reports whether data looks like an HTML document rather than
// plain text.
func IsHTML(data []byte) bool {
	head := bytes.ToLower(bytes.TrimSpace(data[:min(len(data), 1024)]))
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<article", "<meta", "<?xml"} {
		if bytes.HasPrefix(head, []byte(p)) {
			return true
		}
	}
	return false
}

// Read reads an article: HTML (IsHTML) through Parse, anything else as
// plain text. pageURL, when given, resolves the page's links and is its
// URL unless the page names a canonical one.
func Read(data []byte, pageURL string) (Document, error) {
	if len(data) > MaxSize {
		return Document{}, fmt.Errorf("the article is larger than %d bytes", MaxSize)
	}
	if !utf8.Valid(data) && !IsHTML(data) {
		return Document{}, errors.New("the article is not UTF-8 text")
	}
	if IsHTML(data) {
		return Parse(data, pageURL)
	}
	return Document{URL: pageURL, Text: string(data)}, nil
}

// Parse extracts the main text of an HTML page and what its metadata
// says (title, byline, site name, publication time, canonical URL).
func Parse(page []byte, pageURL string) (Document, error) {
	var base *url.URL
	if pageURL != "" {
		u, err := url.Parse(pageURL)
		if err != nil {
			return Document{}, fmt.Errorf("url %q: %w", pageURL, err)
		}
		base = u
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return Document{}, fmt.Errorf("parse HTML: %w", err)
	}
	meta := metaOf(doc)
	p := readability.NewParser()
	p.MaxElemsToParse = 200000
	a, err := p.ParseDocument(doc, base)
	if err != nil {
		return Document{}, fmt.Errorf("no article text found in the page: %w", err)
	}
	var text strings.Builder
	if a.Node != nil {
		if err := a.RenderText(&text); err != nil {
			return Document{}, fmt.Errorf("render the article's text: %w", err)
		}
	}
	d := Document{
		Title:  strings.TrimSpace(a.Title()),
		Byline: strings.TrimSpace(a.Byline()),
		Outlet: strings.TrimSpace(a.SiteName()),
		URL:    pageURL,
		Text:   tidy(text.String()),
	}
	if d.Text == "" {
		return Document{}, errors.New("no article text found in the page")
	}
	t, err := a.PublishedTime()
	if err != nil || t.IsZero() {
		t, _ = meta.published()
	}
	if !t.IsZero() {
		t = t.UTC()
		d.Published = kg.Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}
	}
	if u := meta.canonical(); u != "" {
		d.URL = u
	}
	if d.Outlet == "" {
		d.Outlet = meta["og:site_name"]
	}
	return d, nil
}

// metas are a page's <meta> values by name or property (lower case), with
// its canonical link under "canonical".
type metas map[string]string

func metaOf(doc *html.Node) metas {
	m := metas{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := func(k string) string {
				for _, a := range n.Attr {
					if strings.EqualFold(a.Key, k) {
						return strings.TrimSpace(a.Val)
					}
				}
				return ""
			}
			switch n.Data {
			case "meta":
				key := strings.ToLower(attr("property"))
				if key == "" {
					key = strings.ToLower(attr("name"))
				}
				if key != "" && m[key] == "" {
					m[key] = attr("content")
				}
			case "link":
				if strings.EqualFold(attr("rel"), "canonical") && m["canonical"] == "" {
					m["canonical"] = attr("href")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return m
}

func (m metas) canonical() string {
	for _, k := range []string{"canonical", "og:url"} {
		if u, err := url.Parse(m[k]); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return u.String()
		}
	}
	return ""
}

func (m metas) published() (time.Time, bool) {
	for _, k := range []string{"article:published_time", "datepublished", "date", "pubdate", "dc.date"} {
		if v := m[k]; v != "" {
			for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
				if t, err := time.Parse(layout, v); err == nil {
					return t, true
				}
			}
		}
	}
	return time.Time{}, false
}

var blankLines = regexp.MustCompile(`\n[ \t]*\n(?:[ \t]*\n)+`)

// tidy trims each line's trailing space and keeps at most one blank line
// between paragraphs.
func tidy(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\u00a0")
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}

// Input is the document as kg.Service.IngestArticle takes it.
func (d Document) Input() kg.ArticleInput {
	return kg.ArticleInput{Title: d.Title, URL: d.URL, Outlet: d.Outlet, Byline: d.Byline, Published: d.Published, Text: d.Text}
}
