package feed

import (
	"strings"
	"testing"
	"time"
)

func TestParseItem(t *testing.T) {
	date := time.Date(2026, 3, 1, 9, 30, 0, 0, time.FixedZone("", 3600))
	base := Item{
		Origin: "miniflux http://127.0.0.1:8080 ada", ID: "42", Format: "miniflux",
		Title: "Grain deal", Link: "https://news.example/grain",
		Content: "<p>Ships left <b>Ukraine</b> for <a href=\"/ports\">ports</a>.</p>",
		Feed:    "Example News", Published: date,
	}
	tests := []struct {
		name  string
		edit  func(*Item)
		check func(t *testing.T, a *Article)
	}{
		{"plain", nil, func(t *testing.T, a *Article) {
			if a.Title != "Grain deal" || a.Source != "Example News" || a.Format != "miniflux" {
				t.Errorf("title %q, source %q, format %q", a.Title, a.Source, a.Format)
			}
			if !a.Date.Equal(date) || a.DateText != "2026-03-01T09:30:00+01:00" {
				t.Errorf("date %v, %q", a.Date, a.DateText)
			}
			if len(a.Body) != 1 || a.Body[0].Text != "Ships left Ukraine for ports [1]." {
				t.Errorf("body %+v", a.Body)
			}
			if len(a.Refs) != 1 || a.Refs[0].URL != "https://news.example/ports" {
				t.Errorf("refs %v: a relative link resolves against the entry's link", a.Refs)
			}
			if a.Location != a.Link || a.Key != a.Link || a.Partial {
				t.Errorf("location %q, key %q, partial %v", a.Location, a.Key, a.Partial)
			}
			if a.ID != MakeID("remote", base.Origin, "42") {
				t.Errorf("id %q", a.ID)
			}
		}},
		{"categories become canonical tags", func(it *Item) {
			it.Categories = []string{"ukraine", "Energy", "UKRAINE", " ", "<b>usa</b>"}
		}, func(t *testing.T, a *Article) {
			want := []Tag{{Name: "Ukraine", Country: true, Code: "UA"}, {Name: "Energy"}, {Name: "United States", Country: true, Code: "US"}}
			if len(a.Tags) != len(want) {
				t.Fatalf("tags %v, want %v", a.Tags, want)
			}
			for i := range want {
				if a.Tags[i] != want[i] {
					t.Errorf("tag %d is %v, want %v", i, a.Tags[i], want[i])
				}
			}
		}},
		{"countries detected in the text", nil, func(t *testing.T, a *Article) {
			if len(a.Mentions) == 0 || a.Mentions[0].Name != "Ukraine" {
				t.Errorf("mentions %v, want Ukraine first", a.Mentions)
			}
		}},
		{"author wins over the feed", func(it *Item) { it.Author = "Ada &amp; Bob" }, func(t *testing.T, a *Article) {
			if a.Source != "Ada & Bob" {
				t.Errorf("source %q", a.Source)
			}
		}},
		{"hostile strings", func(it *Item) {
			it.Title = "Bad\x1b]8;;http://evil\x07title\u202e"
			it.Author = "\x1b[31mred"
			it.Content = "<p>one\x1b[2J</p><script>alert(1)</script><a href=\"javascript:alert(1)\">x</a><img src=\"data:image/png;base64,AA\">"
			it.Categories = []string{"\x1b[1mbold", "zero\u200bwidth"}
		}, func(t *testing.T, a *Article) {
			checkArticleClean(t, a)
			all := allText(a)
			for _, bad := range []string{"\x1b", "\u202e", "javascript:", "alert(1)", "data:"} {
				if strings.Contains(all, bad) {
					t.Errorf("%q kept in %q", bad, all)
				}
			}
		}},
		{"no link: a summary-less entry is not partial, the location names the account", func(it *Item) {
			it.Link = "ftp://files.example/x"
		}, func(t *testing.T, a *Article) {
			if a.Link != "" || a.Location != base.Origin+"#42" {
				t.Errorf("link %q, location %q", a.Link, a.Location)
			}
			if len(a.Refs) != 0 {
				t.Errorf("refs %v: a relative link without a base is dropped", a.Refs)
			}
			if a.Key != MakeID(a.Title, a.DateText) {
				t.Errorf("key %q", a.Key)
			}
		}},
		{"relative links resolve against the site without a link", func(it *Item) {
			it.Link = ""
			it.SiteURL = "https://site.example/blog/"
		}, func(t *testing.T, a *Article) {
			if len(a.Refs) != 1 || a.Refs[0].URL != "https://site.example/ports" {
				t.Errorf("refs %v", a.Refs)
			}
		}},
		{"no content: partial, titled", func(it *Item) {
			it.Content = "  "
		}, func(t *testing.T, a *Article) {
			if !a.Partial || len(a.Body) != 0 {
				t.Errorf("partial %v, body %+v", a.Partial, a.Body)
			}
		}},
		{"untitled: the first text", func(it *Item) { it.Title = "" }, func(t *testing.T, a *Article) {
			if !strings.HasPrefix(a.Title, "Ships left Ukraine") {
				t.Errorf("title %q", a.Title)
			}
		}},
		{"long title clipped", func(it *Item) { it.Title = strings.Repeat("word ", 200) }, func(t *testing.T, a *Article) {
			checkArticleClean(t, a)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := base
			if tt.edit != nil {
				tt.edit(&it)
			}
			a, err := ParseItem(it)
			if err != nil {
				t.Fatal(err)
			}
			checkArticleClean(t, a)
			tt.check(t, a)
		})
	}
}

func TestParseItemIDs(t *testing.T) {
	it := Item{Origin: "greader https://a.example ada", ID: "1", Title: "x"}
	a1, _ := ParseItem(it)
	it.ID = "2"
	a2, _ := ParseItem(it)
	it.Origin = "greader https://b.example ada"
	a3, _ := ParseItem(it)
	if a1.ID == a2.ID || a2.ID == a3.ID {
		t.Errorf("ids %s %s %s: entries and accounts must differ", a1.ID, a2.ID, a3.ID)
	}
	again, _ := ParseItem(Item{Origin: "greader https://a.example ada", ID: "1", Title: "x"})
	if again.ID != a1.ID {
		t.Errorf("id %s then %s: not stable", a1.ID, again.ID)
	}
}

func FuzzParseItem(f *testing.F) {
	f.Add("t", "https://x.example/a", "<p>text <a href='b'>b</a></p>", "ukraine", "42")
	f.Add("\x1b[31m", "javascript:x", "<div><div><div>\x00</div>", "\u202e", "")
	f.Add("&lt;b&gt;", "//host/p", "<img src=x onerror=y><pre>\r\n</pre>", "a\nb", "tag:google.com,2005:reader/item/000000000000002a")
	f.Fuzz(func(t *testing.T, title, link, content, category, id string) {
		a, err := ParseItem(Item{Origin: "fuzz", ID: id, Title: title, Link: link, Content: content,
			Categories: []string{category}, SiteURL: link, Author: title, Feed: category})
		if err != nil {
			if err.Error() != Sanitize(err.Error()) {
				t.Errorf("error not sanitized: %q", err)
			}
			return
		}
		checkArticleClean(t, a)
		if len(a.ID) != IDLen {
			t.Errorf("id %q", a.ID)
		}
	})
}
