package search_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/search"
)

// rowQueries are the queries the row answers are checked with: body
// words alone, with title words, negated, in phrases and groups.
var rowQueries = []string{
	"samarkand", "gas", "gas OR coal", `"coal deal"`, "pipe*", "-kremlin",
	"story", "title:gas samarkand", "(oil OR кремль) -gas", "москве", "nothingatall",
}

// articleRows numbers the articles as the reader does: row i is arts[i].
type articleRows []*feed.Article

func (r articleRows) Len() int { return len(r) }

func (r articleRows) At(i int) (int, string) { return i, r[i].Key }

func rowsOf(arts []*feed.Article) search.Rows { return articleRows(arts) }

// byRows returns the locations of the articles whose rows h matches.
func byRows(arts []*feed.Article, h *search.RowHits) []string {
	var out []string
	for i, a := range arts {
		f := query.Fold(a)
		if h.Match(a, &f, i) {
			out = append(out, a.Location)
		}
	}
	return out
}

// byKeys returns the locations of the articles that h matches.
func byKeys(arts []*feed.Article, h *search.Hits) []string {
	var out []string
	for _, a := range arts {
		f := query.Fold(a)
		if h.MatchFolded(a, &f) {
			out = append(out, a.Location)
		}
	}
	return out
}

// agree checks that FindRows answers every query as Find does, over the
// rows of arts.
func agree(t *testing.T, s *search.Searcher, arts []*feed.Article) {
	t.Helper()
	ctx := context.Background()
	for _, text := range rowQueries {
		q := mustParse(t, text)
		rows, err := s.FindRows(ctx, q, len(arts))
		if err != nil {
			t.Fatal(err)
		}
		if rows == nil {
			t.Fatalf("FindRows(%q) answered nothing over bound rows", text)
		}
		keys, err := s.Find(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := byRows(arts, rows), byKeys(arts, keys); !slices.Equal(got, want) {
			t.Errorf("FindRows(%q) matches %v, Find %v", text, got, want)
		}
	}
}

// TestFindRows checks that the rows FindRows answers with are those whose
// keys Find answers with: after a Bind, with articles not indexed (which
// match on their titles alone) and articles that share a key; that it
// answers nothing over rows not bound or once the index holds documents
// the Bind did not see; and that a Bind after the index changed, articles
// gone and new ones indexed, agrees again.
func TestFindRows(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 150, 5)
	fx := newFixture(t, dir)
	// The last articles are loaded after the index is built: not indexed.
	indexed := fx.heads[:120]
	p, err := search.MakePlan(context.Background(), fx.st, indexed, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := (&search.Indexer{Index: fx.st, Body: fx.loader.Body, Batch: 17}).Run(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Two rows share the key of an indexed article, as two files of one
	// story do.
	arts := append(slices.Clone(fx.heads), fx.heads[3])
	s := search.NewSearcher(fx.st)
	if h, err := s.FindRows(ctx, mustParse(t, "gas"), len(arts)); err != nil || h != nil {
		t.Fatalf("FindRows before a Bind = %v, %v; want nothing", h, err)
	}
	if err := s.Bind(ctx, len(arts), rowsOf(arts)); err != nil {
		t.Fatal(err)
	}
	if !s.Bound(len(arts)) || s.Bound(len(arts)+1) {
		t.Fatalf("Bound(%d) = %v, Bound(%d) = %v", len(arts), s.Bound(len(arts)), len(arts)+1, s.Bound(len(arts)+1))
	}
	t.Run("bound", func(t *testing.T) { agree(t, s, arts) })
	if h, err := s.FindRows(ctx, mustParse(t, "gas"), len(arts)+1); err != nil || h != nil {
		t.Errorf("FindRows over rows not bound = %v, %v; want nothing", h, err)
	}

	// Files gone and new ones written, then the index brought up to
	// date: the documents it holds now are not all the Bind's.
	for _, name := range []string{"00000.txt", "00007.txt", "00119.txt"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 150; i < 160; i++ {
		writeArticle(t, dir, i, 5, "samarkand coal deal\n")
	}
	fx.reload(t)
	fx.index(t)
	s.Changed()
	q := mustParse(t, "samarkand")
	if h, err := s.FindRows(ctx, q, len(arts)); err != nil || h != nil {
		t.Errorf("FindRows with documents indexed since the Bind = %v, %v; want nothing", h, err)
	}
	arts = fx.heads
	if err := s.Bind(ctx, len(arts), rowsOf(arts)); err != nil {
		t.Fatal(err)
	}
	t.Run("after a refresh", func(t *testing.T) { agree(t, s, arts) })
}

// TestFindRowsNumbersTakenAgain checks that a Bind after a document's
// number was given up and taken by another key answers for the new key.
func TestFindRowsNumbersTakenAgain(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 20, 9)
	fx := newFixture(t, dir)
	fx.index(t)
	ctx := context.Background()
	s := search.NewSearcher(fx.st)
	if err := s.Bind(ctx, len(fx.heads), rowsOf(fx.heads)); err != nil {
		t.Fatal(err)
	}
	// Every key unindexed, then new ones: SQLite numbers them again from 1.
	for _, a := range fx.heads {
		if err := fx.st.Unindex(ctx, a.Key); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeCorpus(t, dir, 20, 10)
	fx.reload(t)
	fx.index(t)
	s.Changed()
	if err := s.Bind(ctx, len(fx.heads), rowsOf(fx.heads)); err != nil {
		t.Fatal(err)
	}
	agree(t, s, fx.heads)
}
