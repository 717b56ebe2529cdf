package feed

import (
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
