package load

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/gazette-news/gazette/feed"
)

// borrowDocs are texts a lent buffer is parsed from: the reference
// article, and what makes a parser keep other parts of the text (a
// non-country tag, pictures, a paragraph of several lines, text to
// sanitize, a title alone, a date as written only).
var borrowDocs = []string{
	"",
	"Only a title",
	"Title\n\nRussia | China | 17th January 2022 | Virtual Wire\n\nPicture -https://img.example.org/a.jpg\n\nOne paragraph\nwritten on two lines.\n\n2 views0 comments\n\nRecent Posts\n\nSee All\n",
	"Grain talks\n\nFarming | Ukraine | Harvest Notes | sometime last spring | The Grain Desk\n\nPicture -https://img.example.org/b.png\nPicture -https://img.example.org/c.png\n\nKyiv said the \x1b[31mcorridor\x1b[0m stays open.\n",
	"\ufeffA BOM, then a title\n\nMarkets | 3 March 2024 | Wire\n\nText.\n",
	"Title with a \u202etwist\n\nBeijing | Tokyo | Blog\n\nPicture -javascript:alert(1)\n\nTokyo and Beijing met.\n",
}

// TestSlimOwnsEveryString parses each text from a lent buffer as a load
// that drops bodies does, slims the article, and finds that none of its
// strings refers to the buffer, which the next file is read into; and
// that it is the article a parse of a copy gives.
func TestSlimOwnsEveryString(t *testing.T) {
	for _, text := range borrowDocs {
		got := borrowedSlim(t, []byte(text))
		want := copiedSlim(t, []byte(text))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: parsed from a lent buffer\n%+v\nfrom a copy\n%+v", text, got, want)
		}
	}
}

// TestSlimOwnsEveryStringOfTheCorpus is TestSlimOwnsEveryString for the
// articles of testdata.
func TestSlimOwnsEveryStringOfTheCorpus(t *testing.T) {
	paths, _ := filepath.Glob("../../testdata/*/*.txt")
	if len(paths) == 0 {
		t.Fatal("no articles in testdata")
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := borrowedSlim(t, data), copiedSlim(t, data); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: parsed from a lent buffer\n%+v\nfrom a copy\n%+v", p, got, want)
		}
	}
}

// FuzzBorrowedParse holds a parse of any bytes lent, then slimmed, to the
// same as a parse of a copy, with no string left in the lent bytes.
func FuzzBorrowedParse(f *testing.F) {
	for _, text := range borrowDocs {
		f.Add([]byte(text))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := borrowedSlim(t, data)
		want := copiedSlim(t, data)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("parsed from a lent buffer\n%+v\nfrom a copy\n%+v", got, want)
		}
	})
}

// borrowedSlim parses data, lent with blocks, as a file of a directory,
// slims the article, checks that no string of it lies in data, and then
// overwrites data, as the next file read would.
func borrowedSlim(t *testing.T, data []byte) *feed.Article {
	t.Helper()
	buf := append(make([]byte, 0, len(data)+64), data...)
	// Blocks lent too, as a worker lends those of the body before.
	lent := make([]feed.Block, 64)
	for i := range lent {
		lent[i] = feed.Block{Kind: feed.Paragraph, Text: "Left over from Japan"}
	}
	arts, err := feed.ParseDoc(feed.Doc{Location: "a.txt", Data: buf, Key: "/dir/a.txt", Borrowed: true, Blocks: lent[:0]})
	if err != nil || len(arts) != 1 {
		return nil
	}
	a := arts[0]
	slim(a, new(interner))
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	hi := lo + uintptr(cap(buf))
	eachString(reflect.ValueOf(a), "Article", func(path, s string) {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); len(s) > 0 && p >= lo && p < hi {
			t.Errorf("%s %q refers to the lent bytes", path, s)
		}
	})
	for i := range buf {
		buf[i] = '#'
	}
	return a
}

// copiedSlim parses a copy of data as a file of a directory, and slims the
// article.
func copiedSlim(t *testing.T, data []byte) *feed.Article {
	t.Helper()
	arts, err := feed.ParseDoc(feed.Doc{Location: "a.txt", Data: append([]byte(nil), data...), Key: "/dir/a.txt"})
	if err != nil || len(arts) != 1 {
		return nil
	}
	slim(arts[0], new(interner))
	return arts[0]
}

// eachString calls fn with every string v holds, through pointers,
// structs and slices, exported fields or not.
func eachString(v reflect.Value, path string, fn func(path, s string)) {
	switch v.Kind() {
	case reflect.String:
		fn(path, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			eachString(v.Elem(), path, fn)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			eachString(v.Field(i), path+"."+v.Type().Field(i).Name, fn)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			eachString(v.Index(i), path+"[]", fn)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			eachString(it.Key(), path+"{}", fn)
			eachString(it.Value(), path+"{}", fn)
		}
	}
}

// TestLoadDroppingBodiesReusesNoStringOfAFile loads files of many lengths
// one at a time, each read into the buffer the one before was, and finds
// every article as a parse of the file alone gives it.
func TestLoadDroppingBodiesReusesNoStringOfAFile(t *testing.T) {
	dir := t.TempDir()
	want := map[string]*feed.Article{}
	for i := range 40 {
		var b strings.Builder
		b.WriteString(strings.Repeat("Headline ", 1+i%9) + strconv.Itoa(i) + "\n\n")
		b.WriteString("Russia | Topic " + strings.Repeat("x", i) + " | 17th January 2022 | Desk " + strings.Repeat("y", i%7) + "\n\n")
		b.WriteString("Picture -https://img.example.org/" + strings.Repeat("p", i) + ".jpg\n\n")
		b.WriteString(strings.Repeat("Moscow said so. ", i+1) + "\n")
		name := filepath.Join(dir, strings.Repeat("f", i%5)+string(rune('a'+i%26))+strings.Repeat("0", i/26)+".txt")
		if err := os.WriteFile(name, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		a := copiedSlim(t, []byte(b.String()))
		want[a.Title] = a
	}
	l := &Loader{DropBodies: true, Workers: 1}
	arts, errs := Collect(l.Load(t.Context(), []Source{{Location: dir}}))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(arts) != len(want) {
		t.Fatalf("%d articles, want %d", len(arts), len(want))
	}
	for _, a := range arts {
		w, ok := want[a.Title]
		if !ok {
			t.Errorf("title %q is no file's", a.Title)
			continue
		}
		if !reflect.DeepEqual(a.Tags, w.Tags) || a.Source != w.Source || a.DateText != w.DateText ||
			!reflect.DeepEqual(a.Images, w.Images) || !reflect.DeepEqual(a.Mentions, w.Mentions) {
			t.Errorf("%q: got tags %v source %q date %q images %v mentions %v\nwant tags %v source %q date %q images %v mentions %v",
				a.Title, a.Tags, a.Source, a.DateText, a.Images, a.Mentions, w.Tags, w.Source, w.DateText, w.Images, w.Mentions)
		}
	}
}
