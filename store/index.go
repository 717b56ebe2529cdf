package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// IndexDoc is one article's text for the full-text index.
type IndexDoc struct {
	// Key is the article's story key.
	Key string
	// Stamp says which version of the article was indexed (the caller's
	// choice: a file's stamp, a hash); a document whose stamp has not
	// changed is not indexed again.
	Stamp string
	// Root is the source (a directory or a file) the document is indexed
	// under, whose digest (see RootDigests) counts it; "" counts it under
	// none.
	Root string
	// Text is the text to index, already normalized by the query
	// tokenizer: plain words, no Markdown, no URLs.
	Text string
	// Move, when set, only moves a document indexed with this same stamp
	// under Root, without its text: a document indexed with another
	// stamp, or not at all, is left as it is.
	Move bool
}

// IndexedDoc is what the index holds of one key: the stamp of the
// version indexed and the root it is counted under.
type IndexedDoc struct {
	Stamp, Root string
}

// Digest sums the digests of a set of (key, stamp) pairs, so that the
// same set gives the same Digest in any order, and a pair added, removed
// or changed gives another but by a chance of about one in 2^128. Each
// pair's digest is the first 128 bits of the SHA-256 of the pair, summed
// as two 64-bit halves that wrap. It is no defence against someone who
// crafts files to match a sum: at worst the index would miss the
// changes of that load, and search them as they were.
type Digest struct {
	// N is how many pairs are summed.
	N int64
	// Lo and Hi are the sums of the halves of the pairs' digests.
	Lo, Hi uint64
}

// MarshalBinary returns the digest in 24 bytes: N, Lo and Hi, little
// endian.
func (d Digest) MarshalBinary() ([]byte, error) {
	b := binary.LittleEndian.AppendUint64(make([]byte, 0, 24), uint64(d.N))
	b = binary.LittleEndian.AppendUint64(b, d.Lo)
	return binary.LittleEndian.AppendUint64(b, d.Hi), nil
}

// UnmarshalBinary reads what MarshalBinary wrote.
func (d *Digest) UnmarshalBinary(b []byte) error {
	if len(b) != 24 {
		return errors.New("a digest is 24 bytes")
	}
	d.N = int64(binary.LittleEndian.Uint64(b))
	d.Lo = binary.LittleEndian.Uint64(b[8:])
	d.Hi = binary.LittleEndian.Uint64(b[16:])
	return nil
}

// Add adds the pair (key, stamp) to the digest.
func (d *Digest) Add(key, stamp string) { d.Merge(pair(key, stamp)) }

// AddBytes adds the pair (key, stamp) to the digest, as Add does.
func (d *Digest) AddBytes(key string, stamp []byte) { d.Merge(pair(key, stamp)) }

// pair is the digest of the one pair (key, stamp).
func pair[S string | []byte](key string, stamp S) Digest {
	lo, hi := pairDigest(key, stamp)
	return Digest{N: 1, Lo: lo, Hi: hi}
}

// Merge adds the pairs summed in o to the digest.
func (d *Digest) Merge(o Digest) {
	d.N += o.N
	d.Lo += o.Lo
	d.Hi += o.Hi
}

// sub takes the pair (key, stamp) out of the digest.
func (d *Digest) sub(key, stamp string) {
	lo, hi := pairDigest(key, stamp)
	d.N--
	d.Lo -= lo
	d.Hi -= hi
}

// pairDigest is the digest of one (key, stamp) pair. A key holds no NUL:
// keys are sanitized text.
func pairDigest[S string | []byte](key string, stamp S) (lo, hi uint64) {
	var arr [256]byte
	b := append(arr[:0], key...)
	b = append(b, 0)
	b = append(b, stamp...)
	sum := sha256.Sum256(b)
	return binary.LittleEndian.Uint64(sum[:8]), binary.LittleEndian.Uint64(sum[8:16])
}

// rootDeltas are the changes a transaction makes to the digests of the
// roots, by their numbers, applied once at its end; root 0 is none.
type rootDeltas map[int64]*Digest

func (r rootDeltas) add(root int64, key, stamp string) {
	if root != 0 {
		r.at(root).Add(key, stamp)
	}
}

func (r rootDeltas) sub(root int64, key, stamp string) {
	if root != 0 {
		r.at(root).sub(key, stamp)
	}
}

func (r rootDeltas) at(root int64) *Digest {
	d := r[root]
	if d == nil {
		d = &Digest{}
		r[root] = d
	}
	return d
}

// apply adds the changes to the roots' digests, in tx. The sums are read
// and written whole, in Go, where they wrap: SQLite's sums would turn to
// floating point when they overflow.
func (r rootDeltas) apply(ctx context.Context, tx *sql.Tx) error {
	for id, d := range r {
		var cur Digest
		var lo, hi int64
		if err := tx.QueryRowContext(ctx, "SELECT n, lo, hi FROM search_roots WHERE id = ?", id).Scan(&cur.N, &lo, &hi); err != nil {
			return err
		}
		cur.N += d.N
		cur.Lo = uint64(lo) + d.Lo
		cur.Hi = uint64(hi) + d.Hi
		if _, err := tx.ExecContext(ctx, "UPDATE search_roots SET n = ?, lo = ?, hi = ? WHERE id = ?",
			cur.N, int64(cur.Lo), int64(cur.Hi), id); err != nil {
			return err
		}
	}
	return nil
}

// rootIDs numbers the roots of one transaction's documents, adding those
// not numbered yet.
type rootIDs struct {
	tx  *sql.Tx
	ids map[string]int64
}

func (r *rootIDs) id(ctx context.Context, root string) (int64, error) {
	if root == "" {
		return 0, nil
	}
	if id, ok := r.ids[root]; ok {
		return id, nil
	}
	var id int64
	err := r.tx.QueryRowContext(ctx, `INSERT INTO search_roots (root) VALUES (?)
		ON CONFLICT (root) DO UPDATE SET root = excluded.root RETURNING id`, root).Scan(&id)
	if err != nil {
		return 0, err
	}
	r.ids[root] = id
	return id, nil
}

// indexBatch is how many documents one transaction indexes, so that a
// long first build lets other writers in between. Each commit makes FTS5
// write a segment: a first build costs less in larger ones.
const indexBatch = 5000

// indexHold is how long IndexFrom keeps a transaction open waiting for
// documents: a sender slower than the disk does not keep other writers
// out for long.
const indexHold = time.Second

// ErrBadQuery is wrapped by Match's error for an expression the index
// cannot read.
var ErrBadQuery = errors.New("bad search expression")

// Index adds the documents to the full-text index, replacing the older
// version of a key already indexed with another stamp and skipping one
// indexed with the same stamp, and keeps the digests of their roots in
// step. It commits every few thousand documents, and stops between
// batches when ctx is done.
func (s *Store) Index(ctx context.Context, docs []IndexDoc) error {
	for from := 0; from < len(docs); from += indexBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch := docs[from:min(from+indexBatch, len(docs))]
		err := s.writeDocs(ctx, func(w *docWriter) error {
			for _, d := range batch {
				if err := w.put(ctx, d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// IndexFrom indexes the documents received from docs, as Index does,
// until docs is closed. It writes them as they come, in transactions of
// at most batch documents (indexBatch when batch is 0 or less), each
// begun when its first document arrives and committed at the latest
// indexHold later. After each commit it calls committed, when it is set,
// with the count of documents committed so far. When ctx is done, the
// transaction under way is rolled back and IndexFrom returns ctx's error;
// what was committed stays.
//
// A sender that reads documents while they are written holds only those
// in docs' buffer, rather than a batch of texts.
func (s *Store) IndexFrom(ctx context.Context, docs <-chan IndexDoc, batch int, committed func(n int)) error {
	if batch <= 0 {
		batch = indexBatch
	}
	hold := time.NewTimer(indexHold)
	defer hold.Stop()
	total := 0
	for {
		var first IndexDoc
		select {
		case d, ok := <-docs:
			if !ok {
				return nil
			}
			first = d
		case <-ctx.Done():
			return ctx.Err()
		}
		more := true
		n := 0
		err := s.writeDocs(ctx, func(w *docWriter) error {
			if err := w.put(ctx, first); err != nil {
				return err
			}
			n = 1
			hold.Reset(indexHold)
			for n < batch {
				select {
				case d, ok := <-docs:
					if !ok {
						more = false
						return nil
					}
					if err := w.put(ctx, d); err != nil {
						return err
					}
					n++
				case <-hold.C:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		total += n
		if committed != nil {
			committed(total)
		}
		if !more {
			return nil
		}
	}
}

// writeDocs runs fill in a transaction of the index with a docWriter, and
// commits what it wrote, the roots' digests with it.
func (s *Store) writeDocs(ctx context.Context, fill func(w *docWriter) error) error {
	if s.stale != nil {
		return s.stale
	}
	return s.write(ctx, "index", func(tx *sql.Tx) error {
		w, err := newDocWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		if err := fill(w); err != nil {
			return err
		}
		return w.finish(ctx)
	})
}

// docWriter writes documents into the index within one transaction, and
// the changes they make to their roots' digests when it finishes.
type docWriter struct {
	tx                             *sql.Tx
	add, find, drop, restamp, text *sql.Stmt
	deltas                         rootDeltas
	roots                          rootIDs
	// added is set once a new key is indexed: finish draws a new
	// version of the keys.
	added bool
}

// newDocWriter prepares the statements of a docWriter in tx; the caller
// closes it.
func newDocWriter(ctx context.Context, tx *sql.Tx) (*docWriter, error) {
	// A new key, as every key of a first build is, costs one statement
	// before its text: the insert finds whether the key is there.
	w := &docWriter{tx: tx, deltas: rootDeltas{}, roots: rootIDs{tx: tx, ids: map[string]int64{}}}
	for _, q := range [...]struct {
		st  **sql.Stmt
		sql string
	}{
		{&w.add, "INSERT INTO search_docs (key, stamp, root) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING"},
		{&w.find, "SELECT doc, stamp, root FROM search_docs WHERE key = ?"},
		{&w.drop, "DELETE FROM search WHERE rowid = ?"},
		{&w.restamp, "UPDATE search_docs SET stamp = ?, root = ? WHERE doc = ?"},
		{&w.text, "INSERT INTO search (rowid, body) VALUES (?, ?)"},
	} {
		st, err := tx.PrepareContext(ctx, q.sql)
		if err != nil {
			w.close()
			return nil, err
		}
		*q.st = st
	}
	return w, nil
}

// close closes the statements prepared.
func (w *docWriter) close() {
	for _, st := range []*sql.Stmt{w.add, w.find, w.drop, w.restamp, w.text} {
		if st != nil {
			st.Close()
		}
	}
}

// put indexes one document.
func (w *docWriter) put(ctx context.Context, d IndexDoc) error {
	rid, err := w.roots.id(ctx, d.Root)
	if err != nil {
		return err
	}
	if !d.Move {
		res, err := w.add.ExecContext(ctx, d.Key, d.Stamp, rid)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			if _, err := w.text.ExecContext(ctx, id, d.Text); err != nil {
				return err
			}
			w.deltas.add(rid, d.Key, d.Stamp)
			w.added = true
			return nil
		}
	}
	var (
		id, root int64
		stamp    string
	)
	err = w.find.QueryRowContext(ctx, d.Key).Scan(&id, &stamp, &root)
	switch {
	case err == sql.ErrNoRows:
		// Only a document to move is not there: it was unindexed since.
		return nil
	case err != nil:
		return err
	case stamp == d.Stamp:
		if root != rid {
			if _, err := w.restamp.ExecContext(ctx, stamp, rid, id); err != nil {
				return err
			}
			w.deltas.sub(root, d.Key, stamp)
			w.deltas.add(rid, d.Key, stamp)
		}
		return nil
	case d.Move:
		// The file changed since the move was planned: the next plan
		// indexes it.
		return nil
	}
	if _, err := w.drop.ExecContext(ctx, id); err != nil {
		return err
	}
	if _, err := w.restamp.ExecContext(ctx, d.Stamp, rid, id); err != nil {
		return err
	}
	if _, err := w.text.ExecContext(ctx, id, d.Text); err != nil {
		return err
	}
	w.deltas.sub(root, d.Key, stamp)
	w.deltas.add(rid, d.Key, d.Stamp)
	return nil
}

// finish adds the changes to the roots' digests, and draws a new version
// of the keys when a new key was indexed.
func (w *docWriter) finish(ctx context.Context) error {
	if w.added {
		if err := newKeysVersion(ctx, w.tx); err != nil {
			return err
		}
	}
	return w.deltas.apply(ctx, w.tx)
}

// Indexed returns what the index holds of every indexed key, so that the
// caller indexes only what is new or changed and unindexes what is gone.
func (s *Store) Indexed(ctx context.Context) (map[string]IndexedDoc, error) {
	if s.stale != nil {
		return nil, s.stale
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM search_docs").Scan(&n); err != nil {
		return nil, s.wrap("read the index", err)
	}
	m := make(map[string]IndexedDoc, n)
	rows, err := s.db.QueryContext(ctx, `SELECT d.key, d.stamp, coalesce(r.root, '') FROM search_docs d
		LEFT JOIN search_roots r ON r.id = d.root`)
	if err != nil {
		return nil, s.wrap("read the index", err)
	}
	defer rows.Close()
	var root string
	for rows.Next() {
		var k, st, r string
		if err := rows.Scan(&k, &st, &r); err != nil {
			return nil, s.wrap("read the index", err)
		}
		if r == root {
			// Most keys share a root: one string for all.
			r = root
		} else {
			root = r
		}
		m[k] = IndexedDoc{Stamp: st, Root: r}
	}
	return m, s.wrap("read the index", rows.Err())
}

// RootDigests returns the digest of the (key, stamp) pairs indexed under
// each of roots; a root with nothing indexed under it has the zero
// Digest. It reads one row per root, however large the index.
func (s *Store) RootDigests(ctx context.Context, roots []string) (map[string]Digest, error) {
	if s.stale != nil {
		return nil, s.stale
	}
	out := make(map[string]Digest, len(roots))
	for _, root := range roots {
		var d Digest
		var lo, hi int64
		err := s.db.QueryRowContext(ctx, "SELECT n, lo, hi FROM search_roots WHERE root = ?", root).Scan(&d.N, &lo, &hi)
		if err != nil && err != sql.ErrNoRows {
			return nil, s.wrap("read the index", err)
		}
		d.Lo, d.Hi = uint64(lo), uint64(hi)
		out[root] = d
	}
	return out, nil
}

// Unindex removes the keys from the index.
func (s *Store) Unindex(ctx context.Context, keys ...string) error {
	if s.stale != nil {
		return s.stale
	}
	return s.write(ctx, "unindex", func(tx *sql.Tx) error {
		deltas := rootDeltas{}
		dropped := false
		err := inChunks(keys, func(arr string, _ int) error {
			rows, err := tx.QueryContext(ctx, "SELECT key, stamp, root FROM search_docs WHERE key IN (SELECT value FROM json_each(?))", arr)
			if err != nil {
				return err
			}
			for rows.Next() {
				var k, st string
				var root int64
				if err := rows.Scan(&k, &st, &root); err != nil {
					rows.Close()
					return err
				}
				deltas.sub(root, k, st)
			}
			if err := rows.Err(); err != nil {
				rows.Close()
				return err
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid IN
				(SELECT doc FROM search_docs WHERE key IN (SELECT value FROM json_each(?)))`, arr); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, "DELETE FROM search_docs WHERE key IN (SELECT value FROM json_each(?))", arr)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			dropped = dropped || n > 0
			return err
		})
		if err != nil {
			return err
		}
		if dropped {
			if err := newKeysVersion(ctx, tx); err != nil {
				return err
			}
		}
		return deltas.apply(ctx, tx)
	})
}

// Match runs an FTS5 query expression and returns the matching keys with
// their relevance, higher for better matches (BM25, negated from FTS5's
// convention). An expression FTS5 cannot read gives an error wrapping
// ErrBadQuery, never a panic.
func (s *Store) Match(ctx context.Context, expr string) (map[string]float64, error) {
	if s.stale != nil {
		return nil, s.stale
	}
	rows, err := s.db.QueryContext(ctx, `SELECT d.key, -bm25(search) FROM search
		JOIN search_docs d ON d.doc = search.rowid WHERE search MATCH ?`, expr)
	if err != nil {
		return nil, s.matchError(expr, err)
	}
	defer rows.Close()
	m := make(map[string]float64)
	for rows.Next() {
		var k string
		var score float64
		if err := rows.Scan(&k, &score); err != nil {
			return nil, s.matchError(expr, err)
		}
		m[k] = score
	}
	if err := rows.Err(); err != nil {
		return nil, s.matchError(expr, err)
	}
	return m, nil
}

// matchError tells a bad expression from a failing database.
func (s *Store) matchError(expr string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if sqliteCode(err) == 1 { // SQLITE_ERROR: FTS5 reports syntax errors so
		return fmt.Errorf("search %q: %s: %w", expr, oneLine(err), ErrBadQuery)
	}
	return s.wrap(fmt.Sprintf("search %q", expr), err)
}
