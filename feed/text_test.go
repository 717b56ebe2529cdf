package feed

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"17th January 2022", day(2022, 1, 17), true},
		{"17 January 2022", day(2022, 1, 17), true},
		{"January 17, 2022", day(2022, 1, 17), true},
		{"2022-01-17", day(2022, 1, 17), true},
		{"1st March 2021", day(2021, 3, 1), true},
		{"2nd Feb 2020", day(2020, 2, 2), true},
		{"23rd Sept 2019", day(2019, 9, 23), true},
		{"Jan 5 2022", day(2022, 1, 5), true},
		{"  17 january 2022 ", day(2022, 1, 17), true},
		{"31 February 2022", time.Time{}, false},
		{"17 Janvier 2022", time.Time{}, false},
		{"Virtual Wire", time.Time{}, false},
		{"2022-13-01", time.Time{}, false},
		{"17 January 22", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseDate(tt.in)
			if ok != tt.ok || !got.Equal(tt.want) {
				t.Errorf("ParseDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func tagNames(tags []Tag) []string {
	var out []string
	for _, t := range tags {
		name := t.Name
		if !t.Country {
			name += "*"
		}
		out = append(out, name)
	}
	return out
}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		line     string
		ok       bool
		tags     []string // a trailing * marks a tag that is not a country
		date     time.Time
		dateText string
		source   string
	}{
		{"Russia | China | 17th January 2022 | Virtual Wire", true, []string{"Russia", "China"}, day(2022, 1, 17), "17th January 2022", "Virtual Wire"},
		{"USA | U.S. | America | 2022-01-17 | Wire", true, []string{"United States"}, day(2022, 1, 17), "2022-01-17", "Wire"},
		{"UK|Great Britain|PRC|January 17, 2022|The Post", true, []string{"United Kingdom", "China"}, day(2022, 1, 17), "January 17, 2022", "The Post"},
		{"Russian Federation | Ivory Coast | Cote d'Ivoire | 17 January 2022 | X", true, []string{"Russia", "Côte d'Ivoire"}, day(2022, 1, 17), "17 January 2022", "X"},
		{"Europe | Russia | 17 January 2022 | Wire", true, []string{"Europe*", "Russia"}, day(2022, 1, 17), "17 January 2022", "Wire"},
		{"DE | FRA | 17 January 2022", true, []string{"Germany", "France"}, day(2022, 1, 17), "17 January 2022", ""},
		{"17 January 2022 | Wire", true, nil, day(2022, 1, 17), "17 January 2022", "Wire"},
		{"Russia | China | Virtual Wire", true, []string{"Russia", "China"}, time.Time{}, "", "Virtual Wire"},
		{"Russia | China", true, []string{"Russia", "China"}, time.Time{}, "", ""},
		{"  Russia  |  | China |17th January 2022|  Wire  ", true, []string{"Russia", "China"}, day(2022, 1, 17), "17th January 2022", "Wire"},
		{"Rus\u200bsia | 17 January 2022 | W", true, []string{"Russia"}, day(2022, 1, 17), "17 January 2022", "W"},
		{"No header here", false, nil, time.Time{}, "", ""},
		{"A sentence with a | pipe that goes on and on " + strings.Repeat("word ", 30) + "| end", false, nil, time.Time{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			h, ok := parseHeader(tt.line)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if got := tagNames(h.tags); !reflect.DeepEqual(got, tt.tags) {
				t.Errorf("tags = %q, want %q", got, tt.tags)
			}
			if !h.date.Equal(tt.date) || h.dateText != tt.dateText {
				t.Errorf("date = %v %q, want %v %q", h.date, h.dateText, tt.date, tt.dateText)
			}
			if h.source != tt.source {
				t.Errorf("source = %q, want %q", h.source, tt.source)
			}
		})
	}
}

func TestParseTextShapes(t *testing.T) {
	const ref = "Title here\n\nRussia | China | 17th January 2022 | Virtual Wire\n\n\nPicture -https://a.example/1.jpg\n\nFirst paragraph.\n\nPicture - https://b.example/2.jpg\n\nSecond paragraph\ncontinues here.\n\nPicture-https://a.example/1.jpg\n\n2 views0 comments\n\nRecent Posts\n\nSee All"
	tests := []struct {
		name   string
		in     string
		title  string
		body   []Block
		images []string
	}{
		{"reference", ref, "Title here", []Block{
			{Kind: Image, Ref: 1}, {Kind: Paragraph, Text: "First paragraph."}, {Kind: Image, Ref: 2},
			{Kind: Paragraph, Text: "Second paragraph continues here."}, {Kind: Image, Ref: 1},
		}, []string{"https://a.example/1.jpg", "https://b.example/2.jpg"}},
		{"CRLF and BOM", "\ufeff" + strings.ReplaceAll(ref, "\n", "\r\n"), "Title here", []Block{
			{Kind: Image, Ref: 1}, {Kind: Paragraph, Text: "First paragraph."}, {Kind: Image, Ref: 2},
			{Kind: Paragraph, Text: "Second paragraph continues here."}, {Kind: Image, Ref: 1},
		}, []string{"https://a.example/1.jpg", "https://b.example/2.jpg"}},
		{"empty", "", "", nil, nil},
		{"only blank lines", "\n\n \n", "", nil, nil},
		{"title only", "Just a title\n", "Just a title", nil, nil},
		{"no header", "Title\n\nA paragraph.\n", "Title", []Block{{Kind: Paragraph, Text: "A paragraph."}}, nil},
		{"one view", "T\n\nText.\n\n1 view0 comments\n\nRecent Posts\n\nSee All\n", "T", []Block{{Kind: Paragraph, Text: "Text."}}, nil},
		{"footer with spaces", "T\n\nText.\n\n1,204 views 3 comments\n", "T", []Block{{Kind: Paragraph, Text: "Text."}}, nil},
		{"trailing recent posts", "T\n\nText.\n\nRecent Posts\n\nSee All", "T", []Block{{Kind: Paragraph, Text: "Text."}}, nil},
		{"views line mid-article is kept", "T\n\n2 views0 comments\n\nMore text.\n", "T", []Block{{Kind: Paragraph, Text: "2 views0 comments"}, {Kind: Paragraph, Text: "More text."}}, nil},
		{"hostile picture URLs dropped", "T\n\nPicture -javascript:alert(1)\n\nPicture -file:///etc/passwd\n\nPicture -https://ok.example/x.png\n", "T",
			[]Block{{Kind: Image, Ref: 1}}, []string{"https://ok.example/x.png"}},
		{"picture word in prose", "T\n\nPicture this: a summit.\n", "T", []Block{{Kind: Paragraph, Text: "Picture this: a summit."}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseText("x.txt", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != tt.title {
				t.Errorf("title = %q, want %q", a.Title, tt.title)
			}
			if !reflect.DeepEqual(a.Body, tt.body) {
				t.Errorf("body = %+v\nwant %+v", a.Body, tt.body)
			}
			if !reflect.DeepEqual(a.Images, tt.images) {
				t.Errorf("images = %q, want %q", a.Images, tt.images)
			}
		})
	}
}

func TestParseTextRefusesBinary(t *testing.T) {
	for name, data := range map[string][]byte{
		"png":    {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13},
		"utf16":  {0xff, 0xfe, 'T', 0, 'i', 0, 't', 0},
		"latin1": []byte(strings.Repeat("caf\xe9 \xe0 \xe8\xe9", 20)),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseText("x", data); err != ErrNotText {
				t.Errorf("err = %v, want ErrNotText", err)
			}
		})
	}
}

func TestParseTextSanitizes(t *testing.T) {
	in := "Ti\x1b]52;c;aGk=\x07tle \u202egnp.exe\n\nRus\x1b[2Jsia | \u0085China | 17 January 2022 | Wi\x9bre\n\nBody \x1b[31mred\x1b[0m and \xff bad.\n"
	a, err := ParseText("x", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append([]string{a.Title, a.Source, a.Body[0].Text}, tagNames(a.Tags)...) {
		for _, r := range s {
			if r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x202e {
				t.Errorf("control %U survived in %q", r, s)
			}
		}
	}
	if a.Body[0].Text != "Body [31mred[0m and \ufffd bad." {
		t.Errorf("body = %q", a.Body[0].Text)
	}
}

func TestCaps(t *testing.T) {
	long := strings.Repeat("word ", 200)
	var tags []string
	for i := range 50 {
		tags = append(tags, "topic"+strings.Repeat("x", i%3)+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	in := long + "\n\n" + strings.Join(tags, " | ") + " | " + strings.Repeat("t", 100) + " | 17 January 2022 | S\n"
	a, err := ParseText("x", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(a.Title)); n > MaxTitleLen {
		t.Errorf("title has %d runes, cap is %d", n, MaxTitleLen)
	}
	if len(a.Tags) > MaxTags {
		t.Errorf("%d tags, cap is %d", len(a.Tags), MaxTags)
	}
	for _, tg := range a.Tags {
		if n := len([]rune(tg.Name)); n > MaxTagLen {
			t.Errorf("tag %q has %d runes", tg.Name, n)
		}
	}
}

func readTestFile(path string) ([]byte, error) { return os.ReadFile(path) }

func TestHasTag(t *testing.T) {
	a := &Article{
		Tags:     []Tag{{Name: "Energy"}, {Name: "Russia", Country: true, Code: "RU"}},
		Mentions: []Mention{{Name: "Ukraine", Code: "UA"}},
	}
	undeclared := &Article{Mentions: []Mention{{Name: "Ukraine", Code: "UA"}}}
	tests := []struct {
		a        *Article
		name     string
		detected bool
		want     bool
	}{
		{a, "Russia", false, true},
		{a, "russia", false, false}, // country names are canonical
		{a, "energy", false, true},  // other tags ignore case
		{a, "Ukraine", false, false},
		{a, "Ukraine", true, true},
		{undeclared, "Ukraine", false, true}, // detection fills in
		{undeclared, "Russia", true, false},
	}
	for _, tt := range tests {
		if got := tt.a.HasTag(tt.name, tt.detected); got != tt.want {
			t.Errorf("HasTag(%q, %v) on %v = %v, want %v", tt.name, tt.detected, tt.a.Tags, got, tt.want)
		}
	}
}

// A text article is held to the body caps of every format, and says
// where it was cut.
func TestParseTextBodyCap(t *testing.T) {
	para := strings.Repeat("word ", 200) + "\n\n"
	in := "Long\n\n" + strings.Repeat(para, (MaxBodyText/len(para))+50)
	a, err := ParseText("x.txt", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	size := 0
	for _, b := range a.Body {
		size += len(b.Text)
	}
	if size > MaxBodyText+len(cutNotice) {
		t.Errorf("body holds %d bytes, cap is %d", size, MaxBodyText)
	}
	if last := a.Body[len(a.Body)-1]; last.Text != cutNotice {
		t.Errorf("last block %q, want the notice that the body was cut", last.Text[:min(len(last.Text), 60)])
	}
}

// A parse of lent bytes makes its body in the blocks lent with them when
// they have room, and the body is the one a parse of a copy makes; blocks
// with too little room, or lent without the bytes, are left alone.
func TestParseTextLentBlocks(t *testing.T) {
	text := "Title\n\nRussia | 17 January 2022 | Wire\n\nPicture -https://img.example.org/a.jpg\n\nOne.\n\nTwo,\nin two lines.\n\nThree.\n"
	want, err := ParseDoc(Doc{Location: "a.txt", Data: []byte(text)})
	if err != nil || len(want[0].Body) != 4 {
		t.Fatalf("parse of a copy: %v, %d blocks", err, len(want[0].Body))
	}
	for _, c := range []struct {
		room     int
		borrowed bool
		used     bool
	}{{8, true, true}, {5, true, true}, {2, true, false}, {8, false, false}} {
		lent := make([]Block, 1, c.room)
		lent[0] = Block{Kind: Paragraph, Text: "left over"}
		got, err := ParseDoc(Doc{Location: "a.txt", Data: []byte(text), Borrowed: c.borrowed, Blocks: lent[:0]})
		if err != nil || !reflect.DeepEqual(got[0].Body, want[0].Body) || !reflect.DeepEqual(got[0].Mentions, want[0].Mentions) {
			t.Errorf("room %d, borrowed %v: body %+v, mentions %v; want %+v, %v", c.room, c.borrowed, got[0].Body, got[0].Mentions, want[0].Body, want[0].Mentions)
		}
		if used := &got[0].Body[0] == &lent[:1][0]; used != c.used {
			t.Errorf("room %d, borrowed %v: lent blocks used %v, want %v", c.room, c.borrowed, used, c.used)
		}
	}
}
