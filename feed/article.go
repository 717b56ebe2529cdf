// Package feed turns article sources (files, directories, feeds and web
// pages) into clean Article values, and Articles into Markdown and text.
//
// Every string in an Article is sanitized once, when the Article is built,
// after the last decoding step; nothing downstream has to clean it again.
// The package knows nothing about terminals.
package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// IDLen is the length of a full article ID, in hex digits.
const IDLen = 16

// ShortIDLen is how many hex digits of an ID lists show, git-style.
const ShortIDLen = 7

// Article is one news article, whatever format it came from.
type Article struct {
	// ID is stable across runs: a hash of where the article came from.
	ID string
	// Title is the article's headline, on one line.
	Title string
	// Tags are the declared tags, canonical, in header order, deduplicated.
	Tags []Tag
	// Mentions are the countries detected in the text, best first. They are
	// kept apart from Tags, which always win.
	Mentions []Mention
	// Date is the publication date; it is the zero time when unknown.
	Date time.Time
	// DateText is the date exactly as the source wrote it.
	DateText string
	// Source is the publication the article came from.
	Source string
	// Images are the article's image URLs in reading order, without repeats.
	Images []string
	// Refs are the article's footnotes, images and links numbered together in
	// reading order; Refs[i].N is i+1.
	Refs []Ref
	// Body is the article's text as blocks, in reading order. It is nil when
	// the article was loaded without its body; see Loader.Body.
	Body []Block
	// Location is the path or URL the article was read from.
	Location string
	// Link is the article's own web address (http or https), if it has one.
	Link string
	// Format names the parser that read the article ("txt", "rss", ...).
	Format string

	// Key names the story itself, whatever carried it, so that it survives
	// moves, renames, re-fetches and a feed rotating its items: for a feed
	// item its GUID (else its link, else its title and date), for a file its
	// title, date and source. The same story from two sources has one Key.
	// The store keeps read and starred state by it.
	Key string
	// AlsoIn lists the other locations that carried the same story (the
	// same Key), when a list shows it once.
	AlsoIn []string
	// State is what the reader remembers of the article. The store fills it
	// in; parsers leave it zero.
	State State
	// File is the size and modification time of the file the article was
	// read from, as the loader saw them when it listed or read the file,
	// so that what follows files (the search index) need not look at each
	// one again; zero when the article came from no local file.
	File FileStamp

	// The article's place and its flags come last, together in one word
	// rather than padded out to three: the reader keeps 300,000 articles
	// and more, 352 bytes each where they took 368.

	// seq is the article's place in its document, which orders articles
	// that nothing else tells apart the same way on every machine.
	seq int32
	// Partial is true when the source carried only a summary, so that the full
	// page may be fetched on demand.
	Partial bool
	// Undetected is true while Mentions are not detected yet: the loader
	// put detection off for an article that declares its countries (see
	// ParseDocLazy), and Mentions is nil until DetectCountries runs.
	Undetected bool
	// Skimmed is true for an article the loader passed over (see
	// load.Loader.Keep): only ID, Key, Date, Location and File are set.
	// It counts as listed (the store records its key) but is never shown.
	Skimmed bool
}

// FileStamp is what tells one version of a file from another: its size
// and its modification time.
type FileStamp struct {
	// Size is the file's size in bytes.
	Size int64
	// ModTime is the file's modification time, in Unix nanoseconds.
	ModTime int64
}

// IsZero reports whether the stamp is unknown.
func (s FileStamp) IsZero() bool { return s == FileStamp{} }

// State is the reader's memory of one article.
type State struct {
	// Read is true once the article was opened or marked read.
	Read bool
	// Starred is true while the user keeps the article starred.
	Starred bool
	// FirstSeen is when the store first saw the article; zero when no store
	// is in use.
	FirstSeen time.Time
}

// Tag is one declared tag of an article.
type Tag struct {
	// Name is the canonical display name ("United States"), or the tag as
	// written when it names no country.
	Name string
	// Country is true when Name is a country from the country table.
	Country bool
	// Code is the country's ISO 3166 alpha-2 code, empty for other tags.
	Code string
}

// Mention is a country detected in an article's text.
type Mention struct {
	// Name is the country's canonical display name.
	Name string
	// Code is the country's ISO 3166 alpha-2 code.
	Code string
	// Score weighs the mentions by count, position and spread.
	Score float64
}

// RefKind tells an image footnote from a link footnote.
type RefKind int

const (
	// RefImage is a picture shown at its place in the article.
	RefImage RefKind = iota
	// RefLink is a hyperlink in the article's text.
	RefLink
)

// String returns "image" or "link", as the footnote list writes it.
func (k RefKind) String() string {
	if k == RefLink {
		return "link"
	}
	return "image"
}

// Ref is one numbered footnote.
type Ref struct {
	// N is the footnote's number, from 1.
	N int
	// URL is an http or https URL.
	URL string
	// Kind says whether the footnote is an image or a link.
	Kind RefKind
	// Alt is an image's alternative text, sanitized, on one line; empty
	// for links and for images without one.
	Alt string
}

// BlockKind is the kind of one block of body text.
type BlockKind int

const (
	// Paragraph is a block of running text.
	Paragraph BlockKind = iota
	// Heading is a section heading inside the body; Level is 2 to 6.
	Heading
	// Quote is a quoted paragraph.
	Quote
	// ListItem is one item of a list; Level is its nesting depth from 0.
	ListItem
	// Code is preformatted text, shown as written.
	Code
	// Image is a picture; Ref is its footnote number.
	Image
)

var blockKindNames = [...]string{"paragraph", "heading", "quote", "item", "code", "image"}

// String returns the kind's name as JSON writes it.
func (k BlockKind) String() string {
	if int(k) < len(blockKindNames) {
		return blockKindNames[k]
	}
	return "paragraph"
}

// Block is one block of an article's body. Its Text is plain, literal text:
// never Markdown, never HTML. Link footnote markers (" [N]") are already in
// the text, placed at ingest.
type Block struct {
	Kind  BlockKind
	Text  string
	Level int
	// Ref is the footnote number of an Image block, else 0.
	Ref int
}

// Countries returns the names of the declared tags that are countries.
func (a *Article) Countries() []string {
	var out []string
	for _, t := range a.Tags {
		if t.Country {
			out = append(out, t.Name)
		}
	}
	return out
}

// ShortID returns the ID cut to ShortIDLen digits, as lists show it.
func (a *Article) ShortID() string {
	if len(a.ID) > ShortIDLen {
		return a.ID[:ShortIDLen]
	}
	return a.ID
}

// HasTag reports whether the article carries the tag with that canonical
// name. Declared tags always count. Detected countries count where the
// source declared no country, since detection fills in what it left out,
// and always when detected is true.
func (a *Article) HasTag(name string, detected bool) bool {
	if a.declared(name) {
		return true
	}
	if detected || !a.hasCountryTag() {
		for _, m := range a.Mentions {
			if m.Name == name {
				return true
			}
		}
	}
	return false
}

// hasCountryTag reports whether any declared tag is a country.
func (a *Article) hasCountryTag() bool { return hasCountry(a.Tags) }

// hasCountry reports whether any of tags is a country.
func hasCountry(tags []Tag) bool {
	for _, t := range tags {
		if t.Country {
			return true
		}
	}
	return false
}

// DetectedOnly returns the detected countries that the source did not
// declare, best first: what a reader shows as detected tags.
func (a *Article) DetectedOnly() []Mention {
	var out []Mention
	for _, m := range a.Mentions {
		if !a.declared(m.Name) {
			out = append(out, m)
		}
	}
	return out
}

// declared reports whether name is one of the declared tags. Country
// names are canonical and compare exactly; other tags are kept as written,
// so "energy" finds "Energy".
func (a *Article) declared(name string) bool {
	for _, t := range a.Tags {
		if t.Name == name || !t.Country && strings.EqualFold(t.Name, name) {
			return true
		}
	}
	return false
}

// MakeID derives a stable article ID from the parts that say where an
// article came from: a location, and for a feed item its GUID or link.
func MakeID(parts ...string) string {
	// The parts are hashed from one buffer, on the stack when they are as
	// short as they mostly are: a hash.Hash would copy each string it is
	// given, and be made anew for each ID.
	var arr [512]byte
	b := arr[:0]
	for _, p := range parts {
		b = append(b, p...)
		b = append(b, 0)
	}
	return hashID("", b)
}

// hashID returns prefix and the ID of the parts joined in b, each followed
// by a zero byte: the start of their SHA-256, in hex.
func hashID(prefix string, b []byte) string {
	sum := sha256.Sum256(b)
	var arr [16 + IDLen]byte
	return string(hex.AppendEncode(append(arr[:0], prefix...), sum[:IDLen/2]))
}
