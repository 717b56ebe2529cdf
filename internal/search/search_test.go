package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/store"
)

// words are what the generated articles are made of: words that are
// prefixes, suffixes and variants of one another, diacritics, other
// scripts, and one rare word.
var words = []string{
	"gas", "Gas", "gasoline", "Vegas", "coal", "deal", "pipeline", "Pipeline's", "oil",
	"Kremlin", "kremlin", "summit", "talks", "café", "cafe", "Straße", "strasse",
	"Москва", "москве", "東京", "会議",
	"COVID-19", "x²", "the", "of", "and", "in", "coal-fired", "deal.", "(gas)",
}

// rare are the variants of a word that a few articles hold: grep -w and
// the index must agree on which are the word.
var rare = []string{"samarkand", "Samarkand", "samarkandi", "Samarkand's", "SAMARKAND.", "pre-samarkand"}

// writeCorpus writes n articles, one file each, in the plain-text format,
// and returns their directory. Article i depends on seed and i alone.
func writeCorpus(t testing.TB, dir string, n int, seed uint64) {
	t.Helper()
	for i := range n {
		writeArticle(t, dir, i, seed, "")
	}
}

// writeArticle writes article i, with extra added to its body.
func writeArticle(t testing.TB, dir string, i int, seed uint64, extra string) string {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	pick := func(k int) string {
		var b strings.Builder
		for j := range k {
			if j > 0 {
				b.WriteByte(' ')
			}
			if r.IntN(40) == 0 {
				b.WriteString("https://example.com/" + words[r.IntN(len(words))])
				continue
			}
			if r.IntN(60) == 0 {
				b.WriteString(rare[r.IntN(len(rare))])
				continue
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		return b.String()
	}
	title := fmt.Sprintf("Story %d %s", i, pick(1+r.IntN(4)))
	date := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%365)
	var body strings.Builder
	for range 1 + r.IntN(4) {
		body.WriteString(pick(3+r.IntN(30)) + ".\n\n")
	}
	body.WriteString(extra)
	text := fmt.Sprintf("%s\n\nRussia | %s | Test Wire\n\n\n%s", title, date.Format("2 January 2006"), body.String())
	path := filepath.Join(dir, fmt.Sprintf("%05d.txt", i))
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fixture is a corpus loaded without bodies, as the reader loads it, and
// an index over a real store file.
type fixture struct {
	dir    string
	loader *load.Loader
	heads  []*feed.Article
	st     *store.Store
}

func newFixture(t testing.TB, dir string) *fixture {
	t.Helper()
	fx := &fixture{dir: dir, loader: &load.Loader{DropBodies: true}, st: newStore(t)}
	fx.reload(t)
	return fx
}

// plannedCorpus writes n articles (see writeCorpus) in a directory of
// their own, loads them, and plans their first index, with no roots.
func plannedCorpus(t testing.TB, n int, seed uint64) (*fixture, search.Plan) {
	t.Helper()
	dir := t.TempDir()
	writeCorpus(t, dir, n, seed)
	fx := newFixture(t, dir)
	p, err := search.MakePlan(context.Background(), fx.st, fx.heads, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fx, p
}

func (fx *fixture) reload(t testing.TB) {
	t.Helper()
	arts, errs := fx.loader.LoadAll(context.Background(), []load.Source{{Location: fx.dir}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	fx.heads = arts
}

// index brings the index up to date and returns the plan it carried out.
func (fx *fixture) index(t testing.TB) search.Plan {
	t.Helper()
	ctx := context.Background()
	p, err := search.MakePlan(ctx, fx.st, fx.heads, []string{fx.dir})
	if err != nil {
		t.Fatal(err)
	}
	x := search.Indexer{Index: fx.st, Body: fx.loader.Body, Batch: 17}
	if err := x.Run(ctx, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// hits returns the locations of the articles that match q through the
// index.
func (fx *fixture) hits(t testing.TB, q query.Query) []string {
	t.Helper()
	h, err := search.NewSearcher(fx.st).Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range fx.heads {
		if h.Match(a) {
			out = append(out, a.Location)
		}
	}
	slices.Sort(out)
	return out
}

// grepW returns the files that hold word, whole, ignoring case, as
// `grep -rliw word` lists them.
func grepW(t testing.TB, dir, word string) []string {
	t.Helper()
	re := regexp.MustCompile(`(?i)(^|[^\pL\pN_])` + regexp.QuoteMeta(word) + `($|[^\pL\pN_])`)
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if re.Match(data) {
			out = append(out, f)
		}
	}
	return out
}

// minus returns what a holds that b does not.
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

func mustParse(t testing.TB, s string) query.Query {
	t.Helper()
	q, err := query.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestSamarkandIsGrep checks the promise of `list -q samarkand`: the
// index finds exactly the files that grep -rliw lists, no more (not
// samarkandi, not inside URLs) and no fewer (Samarkand's).
func TestSamarkandIsGrep(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 300, 1)
	fx := newFixture(t, dir)
	fx.index(t)
	got := fx.hits(t, mustParse(t, "samarkand"))
	want := grepW(t, dir, "samarkand")
	if len(want) == 0 || len(want) == 300 {
		t.Fatalf("the corpus should hold samarkand in some files, not %d", len(want))
	}
	if !slices.Equal(got, want) {
		t.Errorf("index found %d files, grep %d; only the index: %v; only grep: %v", len(got), len(want), minus(got, want), minus(want, got))
	}
}

// TestIncremental checks that a second run indexes only what is new or
// changed, and drops what is gone, and that nothing is left to do after.
func TestIncremental(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 40, 2)
	fx := newFixture(t, dir)
	if p := fx.index(t); len(p.Todo) != 40 || len(p.Gone) != 0 {
		t.Fatalf("first plan: %d to do, %d gone; want 40, 0", len(p.Todo), len(p.Gone))
	}
	fx.reload(t)
	p, err := search.MakePlan(context.Background(), fx.st, fx.heads, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Complete() || len(p.Gone) != 0 {
		t.Fatalf("unchanged corpus: %d to do, %d gone; want none", len(p.Todo), len(p.Gone))
	}

	changed := writeArticle(t, dir, 3, 2, "zanzibar\n")
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(changed, later, later); err != nil {
		t.Fatal(err)
	}
	added := writeArticle(t, dir, 99, 2, "zanzibar\n")
	if err := os.Remove(filepath.Join(dir, "00005.txt")); err != nil {
		t.Fatal(err)
	}
	fx.reload(t)
	p = fx.index(t)
	if len(p.Todo) != 2 || len(p.Gone) != 1 {
		t.Fatalf("after a change, an addition and a removal: %d to do, %d gone; want 2, 1", len(p.Todo), len(p.Gone))
	}
	if got, want := fx.hits(t, mustParse(t, "zanzibar")), []string{changed, added}; !slices.Equal(got, want) {
		t.Errorf("zanzibar: got %v, want %v", got, want)
	}
	indexed, err := fx.st.Indexed(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(indexed) != 40 {
		t.Errorf("index holds %d keys, want 40", len(indexed))
	}
}

// TestOtherRootsStay checks that a load of one directory leaves the keys
// of another directory in the index.
func TestOtherRootsStay(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeCorpus(t, a, 5, 3)
	writeArticle(t, b, 100, 3, "")
	fx := newFixture(t, b)
	fx.index(t)
	fx.dir = a
	fx.reload(t)
	if p := fx.index(t); len(p.Gone) != 0 {
		t.Errorf("loading %s dropped %d keys of %s", a, len(p.Gone), b)
	}
}

// TestProgress checks that progress is reported batch by batch, up to
// the total, and that a cancelled run stops with the context's error.
func TestProgress(t *testing.T) {
	fx, p := plannedCorpus(t, 50, 4)
	ctx := context.Background()
	var seen []search.Progress
	x := search.Indexer{Index: fx.st, Body: fx.loader.Body, Batch: 20, Progress: func(p search.Progress) { seen = append(seen, p) }}
	if err := x.Run(ctx, p); err != nil {
		t.Fatal(err)
	}
	want := []search.Progress{{0, 50}, {20, 50}, {40, 50}, {50, 50}}
	if !slices.Equal(seen, want) {
		t.Errorf("progress %v, want %v", seen, want)
	}
	if got := (search.Progress{Done: 41, Total: 100}).Percent(); got != 41 {
		t.Errorf("Percent = %d, want 41", got)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	fresh := newFixture(t, fx.dir)
	p, _ = search.MakePlan(ctx, fresh.st, fresh.heads, nil)
	if err := (&search.Indexer{Index: fresh.st, Body: fresh.loader.Body}).Run(cancelled, p); err == nil {
		t.Error("a cancelled run returned no error")
	}
}

// TestIncompleteIndex checks that while the index is being built, what
// it answers is right for the articles indexed, and that the others
// match on their titles alone.
func TestIncompleteIndex(t *testing.T) {
	fx, p := plannedCorpus(t, 60, 5)
	ctx := context.Background()
	half := search.Plan{Todo: p.Todo[:30], Stamps: p.Stamps[:30]}
	if err := (&search.Indexer{Index: fx.st, Body: fx.loader.Body}).Run(ctx, half); err != nil {
		t.Fatal(err)
	}
	done := map[string]bool{}
	for _, a := range half.Todo {
		done[a.Key] = true
	}
	q := mustParse(t, "pipeline OR kremlin")
	h, err := search.NewSearcher(fx.st).Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range fx.heads {
		full, err := fx.loader.Body(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		want := q.Match(full)
		if !done[a.Key] {
			want = q.Match(a)
		}
		if got := h.Match(a); got != want {
			t.Errorf("%s (indexed %v): got %v, want %v", a.Location, done[a.Key], got, want)
		}
	}
}

// TestRelevance checks the order sort:relevance gives: the title counts
// most, then how often the body says the word.
func TestRelevance(t *testing.T) {
	dir := t.TempDir()
	write := func(name, title, body string) {
		text := fmt.Sprintf("%s\n\nRussia | 1 March 2022 | Test Wire\n\n\n%s\n", title, body)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "Talks resume", "The pipeline was mentioned once among many other words of no interest.")
	write("b.txt", "Pipeline deal signed", "The pipeline will carry gas.")
	write("c.txt", "Talks end", "Pipeline, pipeline, pipeline: the pipeline again and the pipeline.")
	write("d.txt", "Nothing here", "Coal.")
	fx := newFixture(t, dir)
	fx.index(t)
	q := mustParse(t, "pipeline sort:relevance")
	h, err := search.NewSearcher(fx.st).Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var matched []*feed.Article
	for _, a := range fx.heads {
		if h.Match(a) {
			matched = append(matched, a)
		}
	}
	slices.SortStableFunc(matched, func(x, y *feed.Article) int {
		sx, sy := h.Score(x), h.Score(y)
		switch {
		case sx > sy:
			return -1
		case sx < sy:
			return 1
		}
		return 0
	})
	for _, a := range matched {
		got = append(got, filepath.Base(a.Location))
	}
	if want := []string{"b.txt", "c.txt", "a.txt"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// FuzzSearcher checks the index path against the scan it stands in for:
// for any query, the searcher over a real store, asked about articles
// without their bodies, agrees with query.Match over the same articles
// with their bodies.
func FuzzSearcher(f *testing.F) {
	for _, s := range []string{
		"gas", "gas*", `"coal deal"`, "title:gas", "gas OR coal", "(coal OR gas) -kremlin", "-gas",
		"samarkand", "samarkand*", "café", "strasse", "москва", "東京", "covid 19", `"covid 19"`, "x2",
		"pipeline's", `"the pipeline"`, "~gas", "example", "https", "tag:russia gas", "-(oil OR deal)",
		"story", "story 7", `"Story 7"`, "gas -title:gas",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	writeCorpus(f, dir, 80, 6)
	fx := newFixture(f, dir)
	fx.index(f)
	ctx := context.Background()
	full := make([]*feed.Article, len(fx.heads))
	for i, a := range fx.heads {
		b, err := fx.loader.Body(ctx, a)
		if err != nil {
			f.Fatal(err)
		}
		full[i] = b
	}
	s := search.NewSearcher(fx.st)
	f.Fuzz(func(t *testing.T, text string) {
		q, err := query.Parse(text)
		if err != nil {
			return
		}
		h, err := s.Search(ctx, q)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		hf, err := s.Find(ctx, q)
		if err != nil {
			t.Fatalf("%q: Find: %v", text, err)
		}
		for i, a := range fx.heads {
			want := q.Match(full[i])
			if got := h.Match(a); got != want {
				t.Fatalf("%q on %s: index says %v, scan says %v", text, a.Location, got, want)
			}
			if got := hf.Match(a); got != want {
				t.Fatalf("%q on %s: index without ranking says %v, scan says %v", text, a.Location, got, want)
			}
		}
	})
}
