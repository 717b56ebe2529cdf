package feed

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// Every field of an article but its body and location survives the cache.
// A field added to Article must be added to the cache too, or this fails.
func TestHeadRecordCoversArticle(t *testing.T) {
	a := &Article{
		ID: "0123456789abcdef", Title: "Title", DateText: "17 January 2022", Source: "Wire",
		Link: "https://example.com/a", Format: "html", Partial: true, seq: 3, Key: "guid:https://example.com/a",
		Date:     time.Date(2022, 1, 17, 9, 30, 0, 5, time.FixedZone("CET", 3600)),
		Tags:     []Tag{{Name: "Russia", Country: true, Code: "RU"}, {Name: "Energy"}},
		Mentions: []Mention{{Name: "China", Code: "CN", Score: 2.75}},
		Refs:     []Ref{{N: 1, URL: "https://example.com/i.png", Kind: RefImage}, {N: 2, URL: "https://example.com/l", Kind: RefLink}},
		Images:   []string{"https://example.com/i.png", "https://example.com/other.png"},
	}
	// Every field must be set, so that none goes unchecked.
	v := reflect.ValueOf(a).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		// State is the store's, and never cached. Undetected goes with no
		// Mentions: it is checked below. File is the record's own stamp.
		// Skimmed is the loader's mark on an article it did not decode.
		if name != "Body" && name != "Location" && name != "State" && name != "AlsoIn" && name != "Undetected" && name != "File" && name != "Skimmed" && v.Field(i).IsZero() {
			t.Fatalf("the test leaves Article.%s empty", name)
		}
	}
	b := AppendHead(nil, a)
	got, err := DecodeHead(string(b), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Date.Equal(a.Date) || got.Date.Format(time.RFC3339Nano) != a.Date.Format(time.RFC3339Nano) {
		t.Errorf("date %v, want %v", got.Date, a.Date)
	}
	got.Date = a.Date
	if !reflect.DeepEqual(got, a) {
		t.Errorf("round trip:\n%+v\nwant\n%+v", got, a)
	}
	shared, err := DecodeHeadShared(string(b), nil)
	if err != nil {
		t.Fatal(err)
	}
	shared.Date = a.Date
	if !reflect.DeepEqual(shared, a) {
		t.Errorf("round trip, shared:\n%+v\nwant\n%+v", shared, a)
	}
	lazy := *a
	lazy.Mentions, lazy.Undetected = nil, true
	if got, err := DecodeHead(string(AppendHead(nil, &lazy)), nil); err != nil || !got.Undetected || got.Mentions != nil {
		t.Errorf("undetected: %+v, %v", got, err)
	}
	// Undetected with mentions is a record no loader writes.
	lazy.Mentions = a.Mentions
	if _, err := DecodeHead(string(AppendHead(nil, &lazy)), nil); err == nil {
		t.Error("undetected with mentions: no error")
	}
	utc := *a
	utc.Date = time.Date(2022, 1, 17, 0, 0, 0, 0, time.UTC)
	b = AppendHead(b[:0], &utc)
	if got, err := DecodeHead(string(b), nil); err != nil || got.Date != utc.Date {
		t.Errorf("UTC date: %v, %v", got.Date, err)
	}
}

// DecodeBare reads what Decode reads but the footnotes and images, which
// it passes over: a record cut inside them, or short of its end, is still
// refused.
func TestDecodeBare(t *testing.T) {
	a := &Article{
		ID: "0123456789abcdef", Title: "Title", Source: "Wire", Format: "txt", Key: "k",
		Tags:     []Tag{{Name: "Russia", Country: true, Code: "RU"}},
		Mentions: []Mention{{Name: "China", Code: "CN", Score: 2.75}},
		Refs:     []Ref{{N: 1, URL: "https://example.com/i.png", Kind: RefImage}, {N: 2, URL: "https://example.com/l", Kind: RefLink}},
		Images:   []string{"https://example.com/i.png", "https://example.com/other.png"},
	}
	rec := string(AppendHead(nil, a))
	var b HeadBlocks
	got, err := b.DecodeBare(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := *a
	want.Refs, want.Images = nil, nil
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("bare:\n%+v\nwant\n%+v", got, &want)
	}
	// The cuts fall in the footnotes, the images and the last flag.
	for _, cut := range []int{1, 2, len("other.png"), len(rec) / 4} {
		if got, err := b.DecodeBare(rec[:len(rec)-cut], nil); err == nil || got != nil {
			t.Errorf("record cut by %d: %+v, %v", cut, got, err)
		}
	}
	if got, err := b.DecodeBare(rec+"\x00", nil); err == nil || got != nil {
		t.Errorf("record with a byte after its end: %+v, %v", got, err)
	}
	// A damaged footnote is none of its business.
	bad := *a
	bad.Refs = []Ref{{N: 1, URL: "javascript:alert(1)", Kind: RefLink}}
	bad.Images = nil
	rec = string(AppendHead(nil, &bad))
	if _, err := DecodeHead(rec, nil); err == nil {
		t.Fatal("a javascript: footnote decoded whole")
	}
	if got, err := b.DecodeBare(rec, nil); err != nil || got.Refs != nil {
		t.Errorf("bare, a damaged footnote: %+v, %v", got, err)
	}
}

// A record whose title ingest could not have written (a space at either
// end, a tab) is damage: it is refused, and its file read again. A title
// ingest leaves as it is reads back.
func TestDecodeHeadTitleAsIngested(t *testing.T) {
	for title, ok := range map[string]bool{
		"Talks end":       true,
		"Talks  end":      true,
		"Переговоры":      true,
		" Talks end":      false,
		"Talks end ":      false,
		"Talks\tend":      false,
		"Talks\u2028end":  false,
		"\u00a0Talks end": false,
	} {
		rec := AppendHead(nil, &Article{ID: "0123456789abcdef", Title: title, Format: "txt"})
		a, err := DecodeHead(string(rec), nil)
		if (err == nil) != ok {
			t.Errorf("title %q: error %v, want accepted %v", title, err, ok)
		}
		if ok && a.Title != title {
			t.Errorf("title %q read back as %q", title, a.Title)
		}
	}
}

// Articles decoded into blocks are those DecodeHeadShared gives, each
// with lists of its own: appending to one never reaches the next one's,
// and a failed record leaves the next article whole.
func TestHeadBlocks(t *testing.T) {
	var recs []string
	var want []*Article
	for i := range 3 * headBlock {
		a := &Article{
			ID: fmt.Sprintf("%016x", i), Title: fmt.Sprintf("Story %d", i), Source: "Wire", Key: fmt.Sprintf("k%d", i),
			Tags:     []Tag{{Name: "Russia", Country: true, Code: "RU"}, {Name: fmt.Sprintf("Topic %d", i%5)}},
			Mentions: []Mention{{Name: "China", Code: "CN", Score: float64(i)}},
			Refs:     []Ref{{N: 1, URL: fmt.Sprintf("https://example.com/%d.png", i), Kind: RefImage}},
			Images:   []string{fmt.Sprintf("https://example.com/%d.png", i)},
		}
		if i%7 == 0 {
			// Lists longer than a block.
			for k := range headBlock + 1 {
				a.Mentions = append(a.Mentions, Mention{Name: "Japan", Code: "JP", Score: float64(k)})
			}
			a.Mentions = a.Mentions[:maxHeadMentions]
		}
		recs = append(recs, string(AppendHead(nil, a)))
		want = append(want, a)
	}
	var b HeadBlocks
	var got []*Article
	for i, rec := range recs {
		if i%5 == 0 {
			// A damaged record takes memory from the blocks too.
			if _, err := b.Decode(rec[:len(rec)-1], nil); err == nil {
				t.Fatal("a cut record decoded")
			}
		}
		a, err := b.Decode(rec, nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a)
	}
	for i, a := range got {
		if !reflect.DeepEqual(a, want[i]) {
			t.Fatalf("article %d:\n%+v\nwant\n%+v", i, a, want[i])
		}
		if cap(a.Tags) != len(a.Tags) || cap(a.Mentions) != len(a.Mentions) || cap(a.Refs) != len(a.Refs) || cap(a.Images) != len(a.Images) {
			t.Fatalf("article %d: lists with room beyond their length", i)
		}
		a.Tags = append(a.Tags, Tag{Name: "Added"})
		a.Mentions = append(a.Mentions, Mention{Name: "Added"})
		a.Refs = append(a.Refs, Ref{N: 9})
		a.Images = append(a.Images, "https://example.com/added")
	}
	for i, a := range got {
		if a.Tags[1] != want[i].Tags[1] || a.Mentions[0] != want[i].Mentions[0] || a.Refs[0] != want[i].Refs[0] || a.Images[0] != want[i].Images[0] {
			t.Fatalf("article %d changed by an append to another", i)
		}
	}
}
