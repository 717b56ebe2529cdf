package feed

import (
	"encoding/json"
	"fmt"
	"time"
)

// JSONArticle is the JSON form of an Article, as `list --json` and
// `show --format json` print it.
type JSONArticle struct {
	ID        string        `json:"id"`
	Title     string        `json:"title"`
	Tags      []string      `json:"tags"`
	Countries []string      `json:"countries"`
	Mentions  []JSONMention `json:"mentions"`
	// Date is YYYY-MM-DD, or null when unknown.
	Date      *string     `json:"date"`
	DateText  string      `json:"date_text,omitempty"`
	Source    string      `json:"source"`
	Images    []string    `json:"images"`
	Location  string      `json:"location"`
	Link      string      `json:"link,omitempty"`
	Format    string      `json:"format"`
	Partial   bool        `json:"partial,omitempty"`
	Footnotes []JSONRef   `json:"footnotes,omitempty"`
	Body      []JSONBlock `json:"body,omitempty"`

	// Read, Starred and FirstSeen are the article's State. FirstSeen is
	// RFC 3339, or null when no store has seen the article.
	Read      bool    `json:"read"`
	Starred   bool    `json:"starred"`
	FirstSeen *string `json:"first_seen"`
}

// JSONMention is a detected country in JSON.
type JSONMention struct {
	Name  string  `json:"name"`
	Code  string  `json:"code"`
	Score float64 `json:"score"`
}

// JSONRef is a footnote in JSON.
type JSONRef struct {
	N    int    `json:"n"`
	URL  string `json:"url"`
	Kind string `json:"kind"`
	Alt  string `json:"alt,omitempty"`
}

// JSONBlock is a body block in JSON.
type JSONBlock struct {
	Kind  string `json:"kind"`
	Text  string `json:"text,omitempty"`
	Level int    `json:"level,omitempty"`
	Ref   int    `json:"ref,omitempty"`
}

// ToJSON returns the article's JSON form; withBody adds the footnotes and
// the body.
func (a *Article) ToJSON(withBody bool) JSONArticle {
	j := JSONArticle{
		ID: a.ID, Title: a.Title, Source: a.Source, Location: a.Location,
		Link: a.Link, Format: a.Format, Partial: a.Partial, DateText: a.DateText,
		Tags: []string{}, Countries: []string{}, Mentions: []JSONMention{}, Images: []string{},
		Read: a.State.Read, Starred: a.State.Starred,
	}
	if !a.State.FirstSeen.IsZero() {
		t := a.State.FirstSeen.UTC().Format(time.RFC3339)
		j.FirstSeen = &t
	}
	for _, t := range a.Tags {
		j.Tags = append(j.Tags, t.Name)
		if t.Country {
			j.Countries = append(j.Countries, t.Name)
		}
	}
	for _, m := range a.Mentions {
		j.Mentions = append(j.Mentions, JSONMention(m))
	}
	if !a.Date.IsZero() {
		d := a.Date.Format("2006-01-02")
		j.Date = &d
	}
	j.Images = append(j.Images, a.Images...)
	if withBody {
		for _, r := range a.Refs {
			j.Footnotes = append(j.Footnotes, JSONRef{N: r.N, URL: r.URL, Kind: r.Kind.String(), Alt: r.Alt})
		}
		for _, blk := range a.Body {
			j.Body = append(j.Body, JSONBlock{Kind: blk.Kind.String(), Text: blk.Text, Level: blk.Level, Ref: blk.Ref})
		}
	}
	return j
}

// MarshalJSON writes the article's JSON form with its body.
func (a *Article) MarshalJSON() ([]byte, error) {
	return json.Marshal(a.ToJSON(true))
}

// UnmarshalJSON reads an article back from the JSON form MarshalJSON
// writes, as the store keeps fetched items. The state is left zero: the
// store's record of it is the one that counts. Everything is cleaned again,
// as at any ingest; the date keeps only its day unless DateText gives the
// time, and tags get their country codes back from the country table.
func (a *Article) UnmarshalJSON(b []byte) error {
	var j JSONArticle
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*a = Article{
		ID: SanitizeLine(j.ID), Title: SanitizeLine(j.Title), DateText: SanitizeLine(j.DateText),
		Source: SanitizeLine(j.Source), Location: SanitizeLine(j.Location), Format: SanitizeLine(j.Format),
		Partial: j.Partial,
	}
	a.Link, _ = SafeURL(j.Link, nil)
	a.Tags = MergeTags(nil, j.Tags)
	for _, m := range j.Mentions {
		a.Mentions = append(a.Mentions, Mention{Name: SanitizeLine(m.Name), Code: SanitizeLine(m.Code), Score: m.Score})
	}
	if j.Date != nil {
		if d, err := time.Parse("2006-01-02", *j.Date); err == nil {
			a.Date = d
			if t, ok := parseAnyDate(a.DateText); ok && t.Format("2006-01-02") == *j.Date {
				a.Date = t
			}
		}
	}
	for _, u := range j.Images {
		if u, ok := SafeURL(u, nil); ok {
			a.Images = append(a.Images, u)
		}
	}
	for _, r := range j.Footnotes {
		u, ok := SafeURL(r.URL, nil)
		if !ok || r.N != len(a.Refs)+1 {
			return fmt.Errorf("footnote %d: bad URL or number", r.N)
		}
		kind := RefImage
		if r.Kind == RefLink.String() {
			kind = RefLink
		}
		a.Refs = append(a.Refs, Ref{N: r.N, URL: u, Kind: kind})
	}
	for _, blk := range j.Body {
		kind := Paragraph
		for k, name := range blockKindNames {
			if name == blk.Kind {
				kind = BlockKind(k)
			}
		}
		if kind == Image && (blk.Ref < 1 || blk.Ref > len(a.Refs)) {
			continue
		}
		a.Body = append(a.Body, Block{Kind: kind, Text: Sanitize(blk.Text), Level: min(max(blk.Level, 0), 16), Ref: blk.Ref})
	}
	return nil
}
