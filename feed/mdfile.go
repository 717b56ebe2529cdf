package feed

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// maxFrontMatter caps the YAML front matter of a Markdown file.
const maxFrontMatter = 64 << 10

// markdownFormat reads Markdown files with optional YAML front matter:
// title, date, tags or countries, source, images and url.
var markdownFormat = Format{
	Name:  markdownFormatName,
	Exts:  []string{".md", ".markdown"},
	Sniff: sniffMarkdown,
	Parse: parseMarkdownDoc,
}

// sniffMarkdown recognises Markdown by its content type, or by front
// matter with a title; the reference format never starts with "---".
func sniffMarkdown(contentType string, head []byte) bool {
	switch mediaType(contentType) {
	case "text/markdown", "text/x-markdown":
		return true
	}
	h := bytes.ReplaceAll(head, []byte("\r\n"), []byte("\n"))
	return bytes.HasPrefix(h, []byte("---\n")) && bytes.Contains(h, []byte("\ntitle:"))
}

const markdownFormatName = "md"

func parseMarkdownDoc(doc Doc) ([]*Article, error) {
	a, err := ParseMarkdown(doc)
	if err != nil {
		return nil, err
	}
	return []*Article{a}, nil
}

// ParseMarkdown reads one Markdown article. Its title comes from the
// front matter, else from a level-1 heading that opens the body. Links
// and images in the body become numbered footnotes; raw HTML is dropped.
// Bad front matter is an error that gives its line in the file.
func ParseMarkdown(doc Doc) (*Article, error) {
	if !IsText(doc.Data) {
		return nil, ErrNotText
	}
	data := bytes.TrimPrefix(doc.Data, utf8BOM)
	fm, body, line, err := splitFrontMatter(data)
	if err != nil {
		return nil, err
	}
	a := &Article{Format: markdownFormatName, Location: SanitizeLine(doc.Location), ID: MakeID(DocKey(doc))}
	var m frontMatter
	if fm != nil {
		if m, err = readFrontMatter(fm, line); err != nil {
			return nil, err
		}
	}
	a.Title = clip(SanitizeLine(m.title), MaxTitleLen)
	a.Source = clip(SanitizeLine(m.source), MaxSourceLen)
	a.Tags = MergeTags(nil, m.tags)
	a.DateText = clip(SanitizeLine(m.date), maxDateText)
	a.Date, _ = parseAnyDate(a.DateText)
	a.Link, _ = SafeURL(m.url, nil)

	base := doc.Base
	if base == nil && a.Link != "" {
		base, _ = url.Parse(a.Link)
	}
	var rb refBuilder
	b := newBodyBuilder(base, &rb)
	for _, raw := range m.images {
		if img, ok := SafeURL(raw, base); ok && !bytes.Contains(body, []byte(strings.TrimSpace(raw))) {
			b.image(img, "", Paragraph, 0)
		}
	}
	title := markdownBlocks(newMarkdownParser(), body, b, a.Title == "")
	if a.Title == "" {
		a.Title = clip(SanitizeLine(title), MaxTitleLen)
	}
	a.Body = dropTitleHeading(b.blocks, a.Title)
	a.Refs = rb.refs
	a.Images = rb.images()
	if a.Title == "" {
		a.Title = firstText(a.Body)
	}
	a.Key = StoryKey("", "", "", a)
	return a, nil
}

// splitFrontMatter splits a Markdown file into its YAML front matter (nil
// when there is none) and its body, and returns the file line the front
// matter starts on. Front matter opens with a "---" line and closes with
// a "---" or "..." line; without the closing line there is none.
func splitFrontMatter(data []byte) (fm, body []byte, line int, err error) {
	first, rest, ok := bytes.Cut(data, []byte("\n"))
	if !ok || string(bytes.TrimRight(first, " \t\r")) != "---" {
		return nil, data, 0, nil
	}
	off := 0
	for off < len(rest) {
		l, _, _ := bytes.Cut(rest[off:], []byte("\n"))
		next := off + len(l) + 1
		if t := string(bytes.TrimRight(l, " \t\r")); t == "---" || t == "..." {
			if off > maxFrontMatter {
				return nil, nil, 0, fmt.Errorf("front matter is longer than %s", humanBytes(maxFrontMatter))
			}
			return rest[:off], rest[min(next, len(rest)):], 2, nil
		}
		off = next
	}
	return nil, data, 0, nil
}

// frontMatter is what gazette reads from a Markdown file's front matter.
// Every value is raw: the caller sanitizes it.
type frontMatter struct {
	title, date, source, url string
	tags, images             []string
}

// yamlLineRe finds the line number in a YAML error.
var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// readFrontMatter reads the fields gazette knows; others are ignored.
// Errors give the line in the file, counting from line, where the front
// matter starts.
func readFrontMatter(fm []byte, line int) (frontMatter, error) {
	var m frontMatter
	var root yaml.Node
	if err := yaml.Unmarshal(fm, &root); err != nil {
		msg := SanitizeLine(err.Error())
		if s := yamlLineRe.FindStringSubmatch(msg); s != nil {
			n, _ := strconv.Atoi(s[1])
			return m, fmt.Errorf("front matter, line %d: %s", n+line-1, s[2])
		}
		return m, fmt.Errorf("front matter: %s", strings.TrimPrefix(msg, "yaml: "))
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return m, nil // empty
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return m, fmt.Errorf("front matter, line %d: not a list of names and values", doc.Line+line-1)
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], deref(doc.Content[i+1])
		switch strings.ToLower(k.Value) {
		case "title":
			m.title = yamlString(v)
		case "date", "published":
			if m.date == "" {
				m.date = yamlString(v)
			}
		case "source", "publication":
			m.source = yamlString(v)
		case "author":
			if m.source == "" {
				m.source = yamlString(v)
			}
		case "url", "link":
			m.url = yamlString(v)
		case "tags", "countries", "country", "tag":
			m.tags = append(m.tags, yamlList(v, MaxTags)...)
		case "images", "image":
			m.images = append(m.images, yamlList(v, maxExtraImages)...)
		}
	}
	return m, nil
}

// deref follows an alias, once: a value that is itself an alias of an
// alias is ignored rather than followed.
func deref(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind == yaml.AliasNode {
		return &yaml.Node{}
	}
	return n
}

// yamlString returns a scalar's text, or "" for a list or a map.
func yamlString(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// yamlList returns up to max strings from a list of scalars, or from one
// scalar of comma-separated values.
func yamlList(n *yaml.Node, max int) []string {
	var out []string
	switch n.Kind {
	case yaml.ScalarNode:
		for _, s := range strings.Split(yamlString(n), ",") {
			if s = strings.TrimSpace(s); s != "" && len(out) < max {
				out = append(out, s)
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if s := strings.TrimSpace(yamlString(deref(c))); s != "" && len(out) < max {
				out = append(out, s)
			}
		}
	}
	return out
}

// dateLayouts are the date forms front matter uses, beside ParseDate's.
var dateLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05",
	"2006-01-02 15:04", "2006-01-02",
}

// parseAnyDate reads a date in the forms front matter uses.
func parseAnyDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return ParseDate(s)
}
