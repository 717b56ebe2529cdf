package feed

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// headSeeds are texts for the parse without a body: the sample and the
// hand-labelled articles, and texts at its edges.
func headSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, pattern := range []string{"../testdata/sample/*.txt", "../testdata/countries/*.txt", "../testdata/hostile/*.txt"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			if data, err := os.ReadFile(p); err == nil {
				seeds = append(seeds, data)
			}
		}
	}
	if len(seeds) < 10 {
		t.Fatalf("%d seed texts: the test data moved", len(seeds))
	}
	for _, s := range []string{
		"T\n\nRussia | B | 17th January 2022 | S\n\nPicture -https://x.example/a.jpg\n\nP\n\nPICTURE - https://x.example/b.jpg\n\n2 views0 comments\n\nPicture -https://x.example/footer.jpg\nRecent Posts\nSee All\n",
		"\ufeffT\r\n\r\nChina | 2022-01-17\r\n\r\nPicture -https://x.example/a.jpg\r\nbody\r\n",
		"T\n\nRussia | China\n\nno date, no source\n",
		"T\n\nRussia\n\nPicture -https://x.example/a.jpg\n",
		"T\n\nTrade | 17 January 2022 | S\n\nno country declared\n",
		"\x1b]52;c;x\x07 T\n\nRussia | 2022-01-17 | S\n",
		"   \n\t\n",
		"T\u00a0\n\u2003\nRussia | 2022-01-17 | S\n\npicture-https://x.example/a.jpg\npicture - javascript:alert(1)\n",
		"Only a title",
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// checkHead compares the parse without a body with the whole parse of
// the same bytes: where it answers, it is the whole article without its
// body, field for field.
func checkHead(t *testing.T, data []byte) (answered bool) {
	t.Helper()
	doc := Doc{Location: "/news/a.txt", Data: data}
	head, ok := parseTextHead(doc)
	full, err := parseText(Doc{Location: doc.Location, Data: data})
	if !ok {
		return false
	}
	if err != nil {
		t.Fatalf("%q: answered without a body where the whole parse fails: %v", data, err)
	}
	if !slices.ContainsFunc(full.Tags, func(t Tag) bool { return t.Country }) {
		t.Errorf("%q: answered without a body for an article that declares no country", data)
	}
	full.Body = nil
	if !reflect.DeepEqual(head, full) {
		t.Errorf("%q:\nwithout a body %+v\nwhole          %+v", data, head, full)
	}
	return true
}

func TestParseTextHead(t *testing.T) {
	answered := 0
	// Near the cap on blocks, the whole parse would cut pictures: left to it.
	many := []byte("T\n\nRussia | 2022-01-17 | S\n\n" + strings.Repeat("Picture -https://x.example/a.jpg\n", MaxBodyBlocks))
	for _, data := range append(headSeeds(t), many) {
		if checkHead(t, data) {
			answered++
		}
	}
	if answered < 10 {
		t.Errorf("answered for %d texts: the test proves little", answered)
	}
	doc := Doc{Location: "/news/a.txt", Data: []byte("T\n\nTrade | 17 January 2022 | S\n\nRussia and China met.\n")}
	if _, ok := parseTextHead(doc); ok {
		t.Error("an article that declares no country was read without its body, which detection needs")
	}
	arts, err := ParseDocLazyHead(doc)
	if err != nil || len(arts) != 1 || arts[0].Body == nil || arts[0].Undetected || len(arts[0].Mentions) == 0 {
		t.Errorf("ParseDocLazyHead of an article that declares no country: %+v, %v; want it whole and detected", arts, err)
	}
	doc.Data = []byte("T\n\nRussia | 17 January 2022 | S\n\nChina met.\n")
	if arts, err := ParseDocLazyHead(doc); err != nil || len(arts) != 1 || arts[0].Body != nil || !arts[0].Undetected {
		t.Errorf("ParseDocLazyHead of an article that declares one: %+v, %v; want no body, detection put off", arts, err)
	}
}

func FuzzParseTextHead(f *testing.F) {
	for _, data := range headSeeds(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkHead(t, data)
	})
}
