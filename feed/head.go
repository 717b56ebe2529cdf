package feed

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"time"
)

// AppendHead appends an article without its body to b, in the binary form
// the loader's header cache keeps, and returns the extended slice. Every
// field of Article but Body and Location is kept: Location is where the
// file is found now. It lives here, not in the loader, because it must see
// every field, unexported ones too. State is not kept: it is the store's,
// and a cached copy would bring back marks the user has since changed.
func AppendHead(b []byte, a *Article) []byte {
	e := &encoder{b: b}
	e.str(a.ID)
	e.str(a.Title)
	e.str(a.DateText)
	e.str(a.Source)
	e.str(a.Link)
	e.str(a.Format)
	e.str(a.Key)
	e.bool(a.Partial)
	e.uint(uint64(max(a.seq, 0)))
	switch name, offset := a.Date.Zone(); {
	case a.Date.IsZero():
		e.uint(0)
	case a.Date.Location() == time.UTC:
		e.uint(1)
		e.int(a.Date.Unix())
		e.uint(uint64(a.Date.Nanosecond()))
	default:
		e.uint(2)
		e.int(a.Date.Unix())
		e.uint(uint64(a.Date.Nanosecond()))
		e.str(name)
		e.int(int64(offset))
	}
	e.uint(uint64(len(a.Tags)))
	for _, t := range a.Tags {
		e.str(t.Name)
		e.bool(t.Country)
		e.str(t.Code)
	}
	e.uint(uint64(len(a.Mentions)))
	for _, m := range a.Mentions {
		e.str(m.Name)
		e.str(m.Code)
		e.uint(math.Float64bits(m.Score))
	}
	e.uint(uint64(len(a.Refs)))
	for _, r := range a.Refs {
		e.uint(uint64(r.N))
		e.str(r.URL)
		e.uint(uint64(r.Kind))
	}
	// An image is most often a footnote too: it is written as the
	// footnote's number then, else as 0 and the URL.
	e.uint(uint64(len(a.Images)))
	for _, u := range a.Images {
		n := 0
		for _, r := range a.Refs {
			if r.URL == u {
				n = r.N
				break
			}
		}
		e.uint(uint64(n))
		if n == 0 {
			e.str(u)
		}
	}
	e.bool(a.Undetected)
	return e.b
}

// Caps on one decoded record, past which it is refused: the parsers keep
// within them.
const (
	maxHeadMentions = 64
	maxHeadString   = 64 << 10
)

// DecodeHead reads back an article that AppendHead wrote, checking every
// field as untrusted input: strings must be as clean as ingest leaves
// them, URLs http or https, counts within the parsers' caps. Strings that
// repeat across articles are passed through intern, which returns an
// equal string to keep (nil keeps each as it is); the others are copied,
// so that the text s came from can be let go.
func DecodeHead(s string, intern func(string) string) (*Article, error) {
	return decodeHead(s, intern, false, nil, true)
}

// DecodeHeadShared is DecodeHead for a record held in a string of its
// own, which may stay in memory as long as the article: the strings that
// are the article's alone, or nearly (its ID, title, date as written, key
// and links) are slices of s instead of copies, which saves an allocation
// and a copy for each.
func DecodeHeadShared(s string, intern func(string) string) (*Article, error) {
	return decodeHead(s, intern, true, nil, true)
}

// HeadBlocks is where a decoder of many records puts their articles and
// their lists (tags, countries, footnotes, images): in blocks of a few
// dozen, each article's next to the one decoded before it, rather than in
// an allocation each. A block stays in memory while one of its articles,
// or one of its lists, does. The zero value is ready; it is for one
// goroutine.
type HeadBlocks struct {
	arts   []Article
	tags   []Tag
	ments  []Mention
	refs   []Ref
	images []string
}

// headBlock is how many articles, or list items, a block holds.
const headBlock = 64

// Decode is DecodeHeadShared, taking the memory of the article and its
// lists from b.
func (b *HeadBlocks) Decode(s string, intern func(string) string) (*Article, error) {
	return decodeHead(s, intern, true, b, true)
}

// DecodeBare is Decode for a caller that shows an article's footnotes
// only once it has read its body again, which brings them: the record's
// footnotes and images are passed over, unchecked and not kept, and the
// article comes with none (Refs and Images nil).
func (b *HeadBlocks) DecodeBare(s string, intern func(string) string) (*Article, error) {
	return decodeHead(s, intern, true, b, false)
}

// article returns a zeroed article from b's block, or a new one when b is
// nil.
func (b *HeadBlocks) article() *Article {
	if b == nil {
		return &Article{}
	}
	if len(b.arts) == cap(b.arts) {
		b.arts = make([]Article, 0, headBlock)
	}
	b.arts = b.arts[:len(b.arts)+1]
	return &b.arts[len(b.arts)-1]
}

// take returns n zeroed items from *block, a slice whose capacity is its
// length, so that an append to it never reaches the next one's items; or
// a new slice, when block is nil.
func take[T any](block *[]T, n int) []T {
	if block == nil || n > headBlock {
		return make([]T, n)
	}
	if cap(*block)-len(*block) < n {
		*block = make([]T, 0, headBlock)
	}
	i := len(*block)
	*block = (*block)[:i+n]
	return (*block)[i : i+n : i+n]
}

// decodeHead decodes a record. With shared, strings are slices of s; with
// b, the article and its lists are b's; without footnotes, the footnotes
// and images are read past.
func decodeHead(s string, intern func(string) string, shared bool, b *HeadBlocks, footnotes bool) (*Article, error) {
	in := headInterner(intern)
	d := decoder{s: s}
	own := strings.Clone
	if shared {
		own = func(s string) string { return s }
	}
	a := b.article()
	// Where the lists go: blocks of b, or allocations of their own.
	var (
		tags   *[]Tag
		ments  *[]Mention
		refs   *[]Ref
		images *[]string
	)
	if b != nil {
		tags, ments, refs, images = &b.tags, &b.ments, &b.refs, &b.images
	}
	a.ID = own(d.str())
	a.Title = own(d.str())
	if !keptLine(a.Title) {
		// Ingest leaves a title on one line, trimmed, its spaces single
		// where it had to clean them: one it could not have written is
		// damage, and its file is read again.
		return nil, errBadHead
	}
	// The date as written has thousands of values, a few articles each:
	// interned, most missed the interner's recent strings and cost a
	// lookup in its map.
	a.DateText = own(d.str())
	a.Source = in.get(d.str())
	a.Link = own(d.str())
	a.Format = in.get(d.str())
	a.Key = own(d.str())
	a.Partial = d.bool()
	a.seq = int32(d.uint() & math.MaxInt32)
	switch d.uint() {
	case 0:
	case 1:
		a.Date = time.Unix(d.int(), int64(d.uint()%1e9)).UTC()
	case 2:
		sec, nsec := d.int(), int64(d.uint()%1e9)
		name, offset := d.str(), d.int()
		if offset < -24*3600 || offset > 24*3600 {
			return nil, errBadHead
		}
		a.Date = time.Unix(sec, nsec).In(time.FixedZone(in.get(name), int(offset)))
	default:
		return nil, errBadHead
	}
	n := d.count(MaxTags)
	if n > 0 {
		a.Tags = take(tags, n)
	}
	for i := range a.Tags {
		name, country, code := d.raw(), d.bool(), d.raw()
		if m, ok := MentionOf(code); ok && country && m.Name == name {
			// A country's name and code are the table's, found without
			// hashing, and clean as the table is: most tags are
			// countries.
			name, code = m.Name, m.Code
		} else {
			name, code = in.get(d.clean(name)), in.get(d.clean(code))
		}
		a.Tags[i] = Tag{Name: name, Country: country, Code: code}
		if a.Tags[i].Name == "" {
			return nil, errBadHead
		}
	}
	if n = d.count(maxHeadMentions); n > 0 {
		a.Mentions = take(ments, n)
	}
	for i := range a.Mentions {
		name, code := d.raw(), d.raw()
		if m, ok := MentionOf(code); ok && m.Name == name {
			name, code = m.Name, m.Code
		} else {
			name, code = in.get(d.clean(name)), in.get(d.clean(code))
		}
		a.Mentions[i] = Mention{Name: name, Code: code, Score: math.Float64frombits(d.uint())}
		// Detection scores are finite: a record with another is damaged,
		// and JSON could not carry it.
		if math.IsNaN(a.Mentions[i].Score) || math.IsInf(a.Mentions[i].Score, 0) {
			return nil, errBadHead
		}
	}
	if footnotes {
		if !d.footnotes(a, in, shared, refs, images) {
			return nil, errBadHead
		}
	} else {
		d.skipFootnotes()
	}
	if !d.finish(a) {
		return nil, errBadHead
	}
	return a, nil
}

// footnotes reads a record's footnotes and images into a, from the lists
// refs and images, and reports whether they are sound.
func (d *decoder) footnotes(a *Article, in headInterner, shared bool, refs *[]Ref, images *[]string) bool {
	if n := d.count(MaxRefs); n > 0 {
		a.Refs = take(refs, n)
	}
	for i := range a.Refs {
		n := int(d.uint() & math.MaxInt32)
		url := d.str()
		if shared {
			// Links are seldom shared: the interner's table would only
			// fill with them.
			a.Refs[i] = Ref{N: n, URL: url, Kind: RefKind(d.uint() & 1)}
		} else {
			a.Refs[i] = Ref{N: n, URL: in.get(url), Kind: RefKind(d.uint() & 1)}
		}
		if a.Refs[i].N != i+1 || !isHTTP(a.Refs[i].URL) {
			return false
		}
	}
	if n := d.count(MaxRefs); n > 0 {
		a.Images = take(images, n)
	}
	for i := range a.Images {
		n := d.count(len(a.Refs))
		if n > 0 {
			a.Images[i] = a.Refs[n-1].URL
			continue
		}
		if a.Images[i] = d.str(); !shared {
			a.Images[i] = in.get(a.Images[i])
		}
		if !isHTTP(a.Images[i]) {
			return false
		}
	}
	return true
}

// skipFootnotes reads past a record's footnotes and images.
func (d *decoder) skipFootnotes() {
	refs := d.count(MaxRefs)
	for range refs {
		d.uint()
		d.raw()
		d.uint()
	}
	for range d.count(MaxRefs) {
		if d.count(refs) == 0 {
			d.raw()
		}
	}
}

// finish reads the end of a's record, and reports whether the whole
// record was read and sound.
func (d *decoder) finish(a *Article) bool {
	a.Undetected = d.bool()
	if a.Undetected && len(a.Mentions) > 0 {
		return false
	}
	return (a.Link == "" || isHTTP(a.Link)) && d.err == nil && d.done() && len(a.ID) == IDLen
}

// HeadUndetected reports whether the record s, which AppendHead wrote,
// is of an article whose countries were put off (Undetected), without
// decoding it: the flag is the record's last value, one byte.
func HeadUndetected(s string) bool {
	return s != "" && s[len(s)-1] == 1
}

// HeadPeek is what the start of a header-cache record tells of its
// article, read without decoding the rest: enough to decide whether the
// article is wanted at all.
type HeadPeek struct {
	ID, Title, Source, Key string
	// Date is the article's date as an instant, in UTC.
	Date time.Time
}

// PeekHead reads the fields of HeadPeek from a record AppendHead wrote.
// The strings are slices of s. It checks only what it reads: a record it
// accepts may still be one DecodeHead refuses.
func PeekHead(s string) (HeadPeek, bool) {
	d := decoder{s: s}
	var p HeadPeek
	p.ID = d.str()
	p.Title = d.str()
	d.bytes() // DateText
	p.Source = d.str()
	d.bytes() // Link
	d.bytes() // Format
	p.Key = d.str()
	d.bool()
	d.uint() // seq
	switch d.uint() {
	case 0:
	case 1, 2:
		// 2 adds the zone, which an instant does without.
		p.Date = time.Unix(d.int(), int64(d.uint()%1e9)).UTC()
	default:
		d.fail()
	}
	if d.err != nil || len(p.ID) != IDLen {
		return HeadPeek{}, false
	}
	return p, true
}

// isHTTP reports whether a URL read back from the cache is one SafeURL
// could have kept. (A byte at a time, strings.ContainsAny took a twentieth
// of decoding a record; IndexByte reads many at once.)
func isHTTP(u string) bool {
	return (strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) &&
		strings.IndexByte(u, ' ') < 0 && strings.IndexByte(u, '\t') < 0
}

// encoder appends the cache's values: unsigned varints, zig-zag signed
// varints, and strings as a length and bytes.
type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) bool(v bool) {
	if v {
		e.uint(1)
	} else {
		e.uint(0)
	}
}

// headInterner is the intern function of DecodeHead.
type headInterner func(string) string

func (f headInterner) get(s string) string {
	if f == nil || s == "" {
		return strings.Clone(s)
	}
	return f(s)
}

// errBadHead marks a record that does not decode.
var errBadHead = errors.New("damaged cache of article headers")

// decoder reads what encoder wrote. The first failure sticks in err, and
// every read after it returns zero values.
//
// It moves through s by an index rather than by slicing s: a read then
// writes no pointer, and so costs no write barrier while the collector
// runs, as it does for much of a load (a fifth of the decoding's time
// went to them).
type decoder struct {
	s string
	// i is where the next read starts.
	i   int
	err error
}

func (d *decoder) fail() { d.err, d.i = errBadHead, len(d.s) }

// done reports whether every byte of s was read.
func (d *decoder) done() bool { return d.i == len(d.s) }

func (d *decoder) uint() uint64 {
	v, n := uvarint(d.s[d.i:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.i += n
	return v
}

func (d *decoder) int() int64 {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *decoder) bool() bool {
	switch d.uint() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

// bytes reads a length and that many bytes, unchecked: a whole record.
func (d *decoder) bytes() string {
	n := d.uint()
	if n > uint64(len(d.s)-d.i) {
		d.fail()
		return ""
	}
	v := d.s[d.i : d.i+int(n)]
	d.i += int(n)
	return v
}

// str reads a string, which must be as clean as ingest leaves text that
// is kept on one line.
func (d *decoder) str() string {
	return d.clean(d.raw())
}

// raw reads a string that is not checked yet: the caller passes it to
// clean, unless it is equal to a string of gazette's own.
func (d *decoder) raw() string {
	v := d.bytes()
	if len(v) > maxHeadString {
		d.fail()
		return ""
	}
	return v
}

// clean returns v, a string read, if it is as clean as str requires.
func (d *decoder) clean(v string) string {
	if !isClean(v, false) {
		d.fail()
		return ""
	}
	return v
}

// count reads a count of at most limit items.
func (d *decoder) count(limit int) int {
	n := d.uint()
	if n > uint64(limit) {
		d.fail()
		return 0
	}
	return int(n)
}

// uvarint is binary.Uvarint for a string.
func uvarint(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		b := s[i]
		if b < 0x80 {
			if i == binary.MaxVarintLen64-1 && b > 1 {
				return 0, -1
			}
			return x | uint64(b)<<shift, i + 1
		}
		x |= uint64(b&0x7f) << shift
		shift += 7
	}
	return 0, 0
}
