#!/usr/bin/env python3
"""Writes the hostile corpus, one small file per threat row and format.

Usage: python3 testdata/genhostile.py testdata/hostile
The files are committed; rerun this only to change them, then refresh the
goldens with: go test ./cmd/gazette -run TestHostile -update
"""
import os, sys, json

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)

E = "\x1b"
BEL = "\x07"
# Every terminal attack of T1 in one string.
OSC52 = E + "]52;c;cHduZWQ=" + BEL
TITLE = E + "]0;pwned" + BEL + E + "]2;pwned" + E + "\\"
REPORT = E + "[21t" + E + "[20t" + E + "P$qm" + E + "\\" + E + "[c" + E + "[6n\x05"
WIPE = E + "[2J" + E + "c" + E + "[?1049h" + E + "[?1000h"
OVER = E + "[1A\rFAKE\b\b" + BEL + E + "[31m"
ALL = OSC52 + TITLE + REPORT + WIPE + OVER


def w(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def xml_rss(channel_title, items, extra_ns="", channel_extra="", decl=True):
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' if decl else ""
    body = "".join(items)
    return (head + '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"' + extra_ns + '>\n<channel>\n'
            "<title>" + channel_title + "</title>\n<link>https://example.org/</link>\n"
            + channel_extra + body + "</channel>\n</rss>\n")


def rss_item(title, desc, link="https://example.org/a", cat="Russia", extra=""):
    return ("<item>\n<title>" + title + "</title>\n<link>" + link + "</link>\n"
            "<category>" + cat + "</category>\n<pubDate>Mon, 17 Jan 2022 10:00:00 GMT</pubDate>\n"
            "<description>" + desc + "</description>\n" + extra + "</item>\n")


def atom(title, entries, base=""):
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"' + base + '>\n'
            "<title>" + title + "</title>\n<id>urn:x</id>\n<updated>2022-01-17T10:00:00Z</updated>\n"
            + "".join(entries) + "</feed>\n")


def atom_entry(title, content, ctype="html", link="https://example.org/a", cat="Russia", extra=""):
    return ("<entry>\n<title>" + title + "</title>\n<id>urn:x:1</id>\n<link href=\"" + link + "\"/>\n"
            "<updated>2022-01-17T10:00:00Z</updated>\n<category term=\"" + cat + "\"/>\n"
            "<author><name>Wire</name></author>\n" + extra +
            "<content type=\"" + ctype + "\">" + content + "</content>\n</entry>\n")


def jsonfeed(items, **feed):
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "Feed"}
    doc.update(feed)
    doc["items"] = items
    return json.dumps(doc, indent=1, ensure_ascii=True) + "\n"


def html_page(title, body, head=""):
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title>\n" + head +
            "</head><body><article>\n" + body + "\n</article></body></html>\n")


def para(text, n=3):
    # readability wants some prose before it calls a page an article.
    filler = ("Ministers met in Geneva on Monday to discuss the security of the region, "
              "and officials said the talks would continue next week in Vienna. ")
    return "<p>" + text + " " + filler * n + "</p>\n"


# ---------- T1: escape sequences in every field ----------
w("t1-escapes.txt",
  "Breaking" + OSC52 + " news" + TITLE + "\n\n"
  "Russia" + E + "[31m | Chi" + E + "]2;x" + BEL + "na | Tag" + WIPE + " | 17 January 2022 | Wire" + REPORT + " Service\n\n"
  "Picture -https://example.org/a" + E + "]8;;https://evil.example/" + BEL + ".png\n\n"
  "Body" + OVER + " text " + ALL + " end.\n\n"
  "Second paragraph\r\x1b[2Koverwritten.\n")

w("t1-escapes.md",
  "---\n"
  'title: "Breaking\\e]52;c;cHduZWQ=\\a news\\x1b]0;pwned\\a"\n'
  'source: "Wire\\e[21t\\e[c"\n'
  'author: "Name\\e]2;x\\a"\n'
  'date: "2022-01-17\\e[2J"\n'
  'url: "https://example.org/a\\e[31m"\n'
  'tags: ["Russia\\e[31m", "Chi\\u001bna", "Tag\\e[?1049h"]\n'
  'images: ["https://example.org/i.png\\e]8;;https://evil.example/\\a"]\n'
  "---\n\n"
  "Body" + OVER + " text " + ALL + " end.\n\n"
  "A [link" + E + "[2J](https://example.org/l" + E + "]0;x" + BEL + ") and ![alt" + OSC52 + "](https://example.org/p.png).\n\n"
  "`code " + E + "[2J span`\n\n"
  "```\nfenced " + ALL + "\n```\n\n"
  "    indented " + WIPE + "\n")

w("t1-escapes.rss", xml_rss(
  "Chan<![CDATA[" + ALL + "]]>nel",
  [rss_item("Breaking<![CDATA[" + OSC52 + TITLE + "]]> news",
            "<![CDATA[<p>Body" + ALL + " text</p><img src=\"https://example.org/i.png" + E + "[2J\">]]>",
            link="https://example.org/a<![CDATA[" + E + "[31m]]>",
            cat="Russia<![CDATA[" + E + "[31m]]>",
            extra="<dc:creator><![CDATA[Wire" + REPORT + "]]></dc:creator>\n"
                  "<enclosure url=\"https://example.org/e.jpg\" type=\"image/jpeg\"/>\n"
                  "<content:encoded><![CDATA[<p>Full" + ALL + " body</p>]]></content:encoded>\n")]))

w("t1-escapes.atom", atom(
  "Feed<![CDATA[" + TITLE + "]]>",
  [atom_entry("Breaking<![CDATA[" + OSC52 + "]]> news",
              "<![CDATA[<p>Body" + ALL + " text</p>]]>",
              cat="Russia",
              extra="<summary>Sum<![CDATA[" + WIPE + "]]>mary</summary>\n")]))

w("t1-escapes.json", jsonfeed(
  [{"id": "1" + E, "url": "https://example.org/a" + E + "[31m",
    "external_url": "https://example.org/x" + OSC52,
    "title": "Breaking" + OSC52 + " news" + TITLE,
    "content_html": "<p>Body" + ALL + " text</p>",
    "summary": "Sum" + WIPE,
    "image": "https://example.org/i.png" + E + "]8;;https://evil.example/" + BEL,
    "date_published": "2022-01-17T10:00:00Z" + E + "[2J",
    "tags": ["Russia" + E + "[31m", "Chi" + E + "]2;x" + BEL + "na"],
    "authors": [{"name": "Wire" + REPORT, "url": "https://example.org/" + E}]},
   {"id": "2", "title": "Plain text item" + E + "c",
    "content_text": "Text" + ALL + " only.", "date_published": "2022-01-18T10:00:00Z"}],
  title="Feed" + TITLE, home_page_url="https://example.org/" + E + "[2J",
  description="Desc" + OSC52, authors=[{"name": "Owner" + E + "[6n"}]))

w("t1-escapes.html", html_page(
  "Breaking" + OSC52 + " news" + TITLE,
  "<h1>Breaking" + OSC52 + " news</h1>\n" +
  para("Body" + ALL + " text with a <a href=\"https://example.org/l" + E + "[2J\">link" + E + "[31m</a>.") +
  "<img src=\"https://example.org/i.png" + E + "]0;x" + BEL + "\" alt=\"alt" + OSC52 + "\">\n" +
  para("Second paragraph" + WIPE + "."),
  head="<meta property=\"og:title\" content=\"OG" + OSC52 + "\">\n"
       "<meta property=\"og:site_name\" content=\"Wire" + REPORT + "\">\n"
       "<meta name=\"author\" content=\"Name" + TITLE + "\">\n"
       "<meta property=\"article:published_time\" content=\"2022-01-17T10:00:00Z" + E + "[2J\">\n"
       "<meta property=\"og:image\" content=\"https://example.org/og.png" + E + "[31m\">\n"))

# ---------- T2: entities decoded late ----------
LATE = "&#27;[2J &#x1b;]52;c;eA==&#7; &amp;#27;[31m ~~&**#27;**[31m~~ &#X1B;[?1049h &#0000027;[6n"
w("t2-late-entity.txt",
  "Title &#27;]0;pwned&#7; &amp;#27;[2J\n\n"
  "Russia&#27;[31m | Tag &#x1b;[2J | 17 January 2022 | Wire &#27;[21t\n\n"
  "Body " + LATE + " end.\n")

w("t2-late-entity.md",
  "---\ntitle: \"Title &#27;]0;pwned&#7; &amp;#27;[2J\"\nsource: \"Wire &#27;[21t\"\n"
  "tags: [\"Russia&#27;[31m\"]\n---\n\n"
  "Body " + LATE + " end.\n\n"
  "[link &#27;[2J](https://example.org/&#27;[31m \"title &#27;]0;x&#7;\") and ![alt &#x1b;[2J](https://example.org/i.png)\n\n"
  "`code &#27;[2J` and <span>&#27;[31m</span> and &lt;b&gt;\n")

w("t2-late-entity.rss", xml_rss(
  "Chan &amp;#27;]0;x&amp;#7;",
  [rss_item("Title &amp;#27;]0;pwned&amp;#7; &amp;amp;#27;[2J",
            "&lt;p&gt;Body &amp;#27;[2J &amp;#x1b;]52;c;eA==&amp;#7; &amp;amp;#27;[31m "
            "~~&amp;&lt;b&gt;#27;&lt;/b&gt;[31m~~&lt;/p&gt;",
            cat="Russia&amp;#27;[31m",
            extra="<dc:creator>Wire &amp;#27;[21t</dc:creator>\n"),
   rss_item("Plain &amp;#27;[2J", "Plain summary &amp;#27;[2J &amp;amp;#27;[31m", link="https://example.org/b")]))

w("t2-late-entity.atom", atom(
  "Feed &amp;#27;]0;x&amp;#7;",
  [atom_entry("Title &amp;#27;]0;pwned&amp;#7;",
              "&lt;p&gt;Body &amp;#27;[2J &amp;amp;#27;[31m ~~&amp;&lt;em&gt;#27;&lt;/em&gt;[31m~~&lt;/p&gt;"),
   atom_entry("Text &amp;#27;[2J", "Text content &amp;#27;[2J &amp;amp;#27;", ctype="text",
              link="https://example.org/b"),
   atom_entry("XHTML", "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>x &amp;#27;[2J &amp;amp;#27;[31m</p></div>",
              ctype="xhtml", link="https://example.org/c")]))

w("t2-late-entity.json", jsonfeed(
  [{"id": "1", "url": "https://example.org/a", "title": "Title &#27;]0;pwned&#7; &amp;#27;[2J",
    "content_html": "<p>Body " + LATE + "</p>", "tags": ["Russia&#27;[31m"],
    "date_published": "2022-01-17T10:00:00Z"},
   {"id": "2", "url": "https://example.org/b", "title": "Text &#27;[2J",
    "content_text": "Plain " + LATE, "date_published": "2022-01-18T10:00:00Z"}]))

w("t2-late-entity.html", html_page(
  "Title &#27;]0;pwned&#7; &amp;#27;[2J",
  "<h1>Title &#27;]0;pwned&#7;</h1>\n" +
  para("Body &#27;[2J &#x1b;]52;c;eA==&#7; &amp;#27;[31m ~~&<b>#27;</b>[31m~~ &amp;amp;#27;") +
  para("<a href=\"https://example.org/&#27;[2J\" title=\"&#27;]0;x&#7;\">link &#27;[31m</a>"),
  head="<meta property=\"og:title\" content=\"OG &#27;]0;x&#7;\">\n"))

# ---------- T3: C1 controls and 8-bit bytes ----------
C1 = "\u009b2J \u009d0;pwned\u0007 \u0090$qm\u009c \u0085 \u009b31m"
w("t3-c1.txt",
  b"Title \x9b2J raw byte \xc2\x9b31m encoded\n\n"
  b"Russia \xc2\x9b31m | 17 January 2022 | Wire \x9d0;x\n\n"
  b"Body \x9b[2J raw, " + C1.encode() + b" end.\n")
w("t3-c1.md",
  b"---\ntitle: \"Title \\x9b2J \\u009d0;x\\a\"\ntags: [\"Russia\\u009b31m\"]\n---\n\n"
  b"Body \x9b[2J raw, " + C1.encode() + b" end.\n\n```\ncode \xc2\x9b2J\n```\n")
w("t3-c1.rss", xml_rss(
  "Chan &#x9b;2J",
  [rss_item("Title &#x9b;2J &#155;31m \u009d0;x", "&lt;p&gt;Body &amp;#x9b;2J &amp;#155;[31m " + C1.replace("\u0007", "") + "&lt;/p&gt;")]))
w("t3-c1.json", jsonfeed(
  [{"id": "1", "url": "https://example.org/a", "title": "Title \u009b2J \u009d0;x\u0007",
    "content_html": "<p>Body &#x9b;2J &#155;[31m " + C1 + "</p>", "tags": ["Russia\u009b31m"],
    "date_published": "2022-01-17T10:00:00Z"}]))
w("t3-c1.html", html_page(
  "Title &#x9b;2J \u009d0;x",
  "<h1>Title &#155;2J</h1>\n" + para("Body &#x9b;2J &#155;[31m &#x9d;0;x&#7; " + C1) +
  para("Raw \u009b31m text")).encode().replace(b"Raw \xc2\x9b31m", b"Raw \x9b31m"))

# ---------- T4: OSC 8 spoofing, unterminated hyperlinks ----------
SPOOF = E + "]8;;https://evil.example/" + BEL + "https://bank.example/" + E + "]8;;" + BEL
UNTERM = E + "]8;;https://evil.example/ everything after this"
w("t4-osc8.txt",
  "Your bank " + SPOOF + " says\n\n"
  "Russia | 17 January 2022 | Wire\n\n"
  "Picture -https://bank.example/" + E + "]8;;https://evil.example/" + BEL + "x.png\n\n"
  "Log in at " + SPOOF + " now.\n\n"
  "Unterminated " + UNTERM + "\n\nNext paragraph.\n")
w("t4-osc8.md",
  "# Your bank " + SPOOF + "\n\n"
  "Log in at [https://bank.example/login](https://evil.example/phish) now, "
  "or <https://evil.example/auto>, or [https://bank.example/](javascript:alert(1)), "
  "or [text](https://evil.example/a\"b'c<d>e \"title\").\n\n"
  "[ref]: https://evil.example/ref\n\nA [reference link][ref].\n\n"
  "Raw " + SPOOF + " and " + UNTERM + "\n")
w("t4-osc8.html", html_page(
  "Your bank",
  "<h1>Your bank</h1>\n" +
  para("Log in at <a href=\"https://evil.example/phish\">https://bank.example/login</a> now, or "
       "<a href=\"javascript:alert(1)\">https://bank.example/</a>, or "
       "<a href=\"https://evil.example/&#x1b;]8;;x\">x</a>.") +
  para("Raw " + SPOOF + " and " + UNTERM)))
w("t4-osc8.rss", xml_rss(
  "Chan",
  [rss_item("Your bank",
            "&lt;p&gt;Log in at &lt;a href=\"https://evil.example/phish\"&gt;https://bank.example/login&lt;/a&gt; "
            "or &lt;a href=\"javascript:alert(1)\"&gt;https://bank.example/&lt;/a&gt;&lt;/p&gt;"
            "<![CDATA[" + SPOOF + UNTERM + "]]>")]))

# ---------- T5: bidi, zero-width, homoglyphs, combining marks ----------
RLO = "\u202e"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZW = "\u200b\u200c\u200d\u2060\ufeff"
MARKS = "\u0301" * 300
w("t5-bidi.txt",
  "Invoice " + RLO + "gnp.exe" + " Z" + MARKS + "\n\n"
  "Russ\u200bia | Ru\u200dssia | Russi\u0430 | " + RLO + "aissuR | Chin\u0061" + "\u0301" * 100 + " | "
  "Tag\ufeffZero | 17 January 2022 | Wire" + BIDI + "\n\n"
  "Body " + BIDI + " text" + ZW + " with " + "e" + MARKS + " marks and a line\u2028separator\u2029end.\n\n"
  "if access_level != \"user" + RLO + " \u2066// Check if admin\u2069 \u2066\" {\n")
w("t5-bidi.md",
  "---\ntitle: \"Invoice \\u202Egnp.exe\"\ntags: [\"Russ\\u200Bia\", \"Russi\u0430\", \"\\u202Eaissu R\", \"T" + MARKS + "\"]\n---\n\n"
  "Body " + BIDI + " text" + ZW + " and e" + MARKS + ".\n")
w("t5-bidi.json", jsonfeed(
  [{"id": "1", "url": "https://example.org/a", "title": "Invoice " + RLO + "gnp.exe",
    "content_text": "Body " + BIDI + ZW + " e" + MARKS,
    "tags": ["Russ\u200bia", "Russi\u0430", RLO + "aissuR", "T" + MARKS, "Ukr\u200caine"],
    "date_published": "2022-01-17T10:00:00Z"}]))

# ---------- T6: Markdown injection ----------
MDI = ("```\n"
       "[x](javascript:alert(1)) ![](file:///etc/passwd) <script>alert(1)</script> <b>bold</b>\n"
       "# Heading\n"
       "| a | b |\n|---|---|\n| c | d |\n"
       "> quote\n"
       "1. list\n"
       "- item\n"
       "---\n"
       "<https://autolink.example/> https://bare.example/ &amp; &#65; \\* *em* _em_ ~~del~~ `code`\n"
       "[ref]: javascript:alert(2)\n"
       "    indented code\n"
       "<!-- comment -->\n")
w("t6-markdown.txt",
  "# Title *with* [link](javascript:alert(1))\n\n"
  "Russia | 17 January 2022 | **Wire** [x](file:///)\n\n" +
  "\n\n".join(MDI.split("\n")) + "\n" +
  "~~~\nnot a fence\n")
w("t6-markdown.md",
  "---\ntitle: \"# Title *with* [link](javascript:alert(1))\"\n---\n\n"
  "Text [x](javascript:alert(1)) and [y](JaVaScRiPt:alert(1)) and ![](file:///etc/passwd) "
  "and [z](data:text/html,<script>alert(1)</script>) and [ok](https://example.org/ok).\n\n"
  "<script>alert(1)</script>\n\n<div onclick=\"x\">raw <b>html</b></div>\n\n"
  "<iframe src=\"file:///etc/passwd\"></iframe>\n\n"
  "| a | b |\n|---|---|\n| [c](javascript:x) | " + E + "[2J |\n\n"
  "````\n```\nfence inside " + ALL + "\n```\n````\n\n"
  "[ref]: javascript:alert(2)\n\nA [ref link][ref].\n")
w("t6-markdown.rss", xml_rss(
  "Chan",
  [rss_item("# Title *with* [link](javascript:alert(1))",
            "Plain summary: " + MDI.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
            cat="**Russia**"),
   rss_item("HTML item",
            "&lt;pre&gt;```\nfence&lt;/pre&gt;&lt;p&gt;[x](javascript:alert(1)) # not a heading&lt;/p&gt;",
            link="https://example.org/b")]))
w("t6-markdown.json", jsonfeed(
  [{"id": "1", "url": "https://example.org/a", "title": "# Title [x](javascript:alert(1))",
    "content_text": MDI, "tags": ["**Russia**", "[x](javascript:y)"],
    "date_published": "2022-01-17T10:00:00Z"}]))
w("t6-markdown.html", html_page(
  "Title [x](javascript:alert(1))",
  "<h1>Title</h1>\n" +
  para("Text [x](javascript:alert(1)) and ![](file:///etc/passwd) and `code` and # hash") +
  "<pre>```\nfence " + E + "[2J\n```</pre>\n" +
  para("<a href=\"javascript:alert(1)\">js</a> <a href=\"file:///etc/passwd\">file</a> "
       "<img src=\"data:image/png;base64,AAAA\"> | a | b |")))

# ---------- C2: scheme smuggling ----------
w("c2-schemes.txt",
  "Schemes\n\nRussia | 17 January 2022 | Wire\n\n"
  "Picture -javascript:alert(1)\n\nPicture -JaVaScRiPt:alert(1)\n\nPicture -  JaVaScRiPt\t:alert(1)\n\n"
  "Picture -file:///etc/passwd\n\nPicture -data:image/png;base64,AAAA\n\n"
  "Picture -//evil.example/x.png\n\nPicture -http:/nohost\n\nPicture -vbscript:x\n\n"
  "Picture -https://user:pass@example.org/x.png\n\nPicture --https://example.org/dash.png\n\n"
  "Picture -https://example.org/ok.png\n\nBody.\n")
w("c2-schemes.md",
  "---\ntitle: Schemes\nurl: \"javascript:///x\"\nimages: [\"file:///etc/passwd\", \"javascript:alert(1)\", \"relative.png\"]\n---\n\n"
  "[a](javascript:alert(1)) [b](  JaVaScRiPt:alert(1)) [c](file:///etc/passwd) [d](data:text/html,x) "
  "[e](relative/path) [f](//evil.example/x) [g](vbscript:x) [h](https://user:pass@example.org/) "
  "![i](file:///etc/passwd) [ok](https://example.org/ok)\n")
w("c2-xmlbase.rss",
  '<?xml version="1.0" encoding="UTF-8"?>\n'
  '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xml:base="file:///etc/">\n'
  '<channel xml:base="file:///etc/">\n<title>Base</title>\n<link>passwd</link>\n'
  '<item xml:base="javascript:///x">\n<title>Item</title>\n<link>alert(1)</link>\n'
  '<description>&lt;p&gt;&lt;a href="passwd"&gt;rel&lt;/a&gt; &lt;img src="shadow.png"&gt; '
  '&lt;a href="javascript:alert(1)"&gt;js&lt;/a&gt; &lt;a href="https://example.org/ok"&gt;ok&lt;/a&gt;&lt;/p&gt;</description>\n'
  '<enclosure url="file:///etc/passwd" type="image/png"/>\n'
  '</item>\n<item>\n<title>Second</title>\n<link>  JaVaScRiPt\t:alert(1)</link>\n'
  '<description>data</description>\n<enclosure url="data:image/png;base64,AAAA" type="image/png"/>\n'
  '</item>\n</channel>\n</rss>\n')
w("c2-xmlbase.atom",
  '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:base="javascript:///x">\n'
  '<title>Base</title>\n<id>urn:x</id>\n<updated>2022-01-17T10:00:00Z</updated>\n<link href="alert(1)"/>\n'
  '<entry xml:base="file:///etc/">\n<title>Entry</title>\n<id>urn:x:1</id>\n<link href="passwd"/>\n'
  '<updated>2022-01-17T10:00:00Z</updated>\n'
  '<content type="html">&lt;a href="shadow"&gt;rel&lt;/a&gt; &lt;img src="x.png"&gt; &lt;a href="https://example.org/ok"&gt;ok&lt;/a&gt;</content>\n'
  '</entry>\n</feed>\n')
w("c2-schemes.json", jsonfeed(
  [{"id": "1", "url": "javascript:alert(1)", "external_url": "file:///etc/passwd",
    "title": "Schemes", "image": "data:image/png;base64,AAAA", "banner_image": "  JaVaScRiPt\t:x",
    "content_html": "<a href=\"passwd\">rel</a> <a href=\"javascript:x\">js</a> <img src=\"file:///etc/shadow\">",
    "attachments": [{"url": "file:///etc/passwd", "mime_type": "image/png"}],
    "date_published": "2022-01-17T10:00:00Z"}],
  home_page_url="file:///etc/", feed_url="javascript:x"))
w("c2-schemes.html", html_page(
  "Schemes",
  "<h1>Schemes</h1>\n" +
  para("<a href=\"passwd\">relative under a file: base</a> <a href=\"javascript:alert(1)\">js</a> "
       "<a href=\" JaVaScRiPt&#x09;:alert(1)\">tab</a> <a href=\"data:text/html,x\">data</a> "
       "<a href=\"https://example.org/ok\">ok</a>") +
  "<img src=\"shadow.png\" srcset=\"file:///etc/passwd 2x\">\n" + para("More text."),
  head="<base href=\"file:///etc/\">\n<meta property=\"og:image\" content=\"javascript:alert(1)\">\n"
       "<link rel=\"canonical\" href=\"file:///etc/passwd\">\n"))

# ---------- P1: XML entities, billion laughs, XXE ----------
LAUGHS = ('<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
          + "".join('<!ENTITY lol%d "%s">\n' % (i, ("&lol%d;" % (i - 1) if i > 1 else "&lol;") * 10) for i in range(1, 10))
          + "]>\n")
w("p1-billion-laughs.rss",
  '<?xml version="1.0" encoding="UTF-8"?>\n' + LAUGHS +
  '<rss version="2.0"><channel><title>Laughs &lol9;</title><link>https://example.org/</link>\n'
  '<item><title>Item &lol9;</title><link>https://example.org/a</link><description>Body &lol9; end</description></item>\n'
  '</channel></rss>\n')
w("p1-xxe.rss",
  '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
  '<!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd">\n%remote;\n]>\n'
  '<rss version="2.0"><channel><title>XXE &xxe;</title><link>https://example.org/</link>\n'
  '<item><title>Item &xxe;</title><link>https://example.org/a</link><description>Body &xxe; end</description></item>\n'
  '</channel></rss>\n')
w("p1-xxe.atom",
  '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE feed [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
  '<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
  '<feed xmlns="http://www.w3.org/2005/Atom"><title>XXE &xxe;</title><id>urn:x</id>'
  '<updated>2022-01-17T10:00:00Z</updated>\n'
  '<entry><title>Entry &xxe; &lol2;</title><id>urn:x:1</id><link href="https://example.org/a"/>'
  '<updated>2022-01-17T10:00:00Z</updated><content type="text">Body &xxe; &lol2;</content></entry>\n</feed>\n')
w("p1-yaml-aliases.md",
  "---\n"
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
  + "".join('%s: &%s [%s]\n' % (c, c, ",".join(["*" + p] * 9)) for p, c in zip("abcdefgh", "bcdefghi")) +
  "title: &t Laughs\nsource: *i\ntags: *i\nimages: *h\n---\n\nBody.\n")

# ---------- P2: one bad character, wrong types, missing fields ----------
GOOD_ITEM = rss_item("Good item", "Fine text.", link="https://example.org/good")
w("p2-bad-char.rss", xml_rss("Chan", [GOOD_ITEM, rss_item("Bad \x1b[2J item", "Text.", link="https://example.org/bad")]))
w("p2-bad-entity.rss", xml_rss("Chan", [GOOD_ITEM, rss_item("Bad &#27;[2J item", "Text &#x1b;.", link="https://example.org/bad")]))
w("p2-invalid-utf8.rss", xml_rss("Chan", [GOOD_ITEM, rss_item("Bad \udcff item", "Text.")]).encode("utf-8", "surrogateescape"))
w("p2-undefined-entity.atom", atom("Feed &nbsp; &undefined;", [atom_entry("Entry &copy;", "x")]))
w("p2-wrong-types.json",
  '{"version": "https://jsonfeed.org/version/1.1", "title": 42, "home_page_url": ["x"],\n'
  ' "items": [\n'
  '  {"id": 1, "title": ["a", "b"], "url": {"x": 1}, "tags": "Russia", "authors": "Wire",\n'
  '   "date_published": 20220117, "content_html": null, "image": false},\n'
  '  {"id": "2", "title": "Good item", "url": "https://example.org/good", "content_text": "Fine.",\n'
  '   "date_published": "2022-01-17T10:00:00Z"}\n ]}\n')
w("p2-items-object.json", '{"version": "https://jsonfeed.org/version/1", "title": "x", "items": {"id": "1"}}\n')
w("p2-truncated.json", '{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": [{"id": "1", "title": "cut')
w("p2-nil-fields.rss",
  '<?xml version="1.0"?>\n<rss version="2.0"><channel>\n<item></item>\n<item><title/></item>\n'
  '<item><link/><description/><enclosure/><category/><pubDate>not a date</pubDate></item>\n'
  '<item><description>Only a description.</description></item>\n</channel></rss>\n')
w("p2-nil-fields.atom",
  '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<entry/>\n'
  '<entry><link/><author/><content/><updated>soon</updated></entry>\n<entry><summary>Only a summary.</summary></entry>\n</feed>\n')
w("p2-nil-fields.json",
  '{"version": "https://jsonfeed.org/version/1.1", "items": [{}, {"id": "x"}, {"authors": [{}], "tags": [], "attachments": [{}]},'
  ' {"content_text": "Only text."}, null]}\n')
w("p2-bad-front-matter.md", "---\ntitle: [unclosed\ntags: {a: b\n---\n\nBody.\n")
w("p2-truncated.rss", xml_rss("Chan", [GOOD_ITEM])[:-40])

# ---------- P6: deep nesting ----------
w("p6-deep.html", html_page("Deep", "<div>" * 600 + "Deep text." + "</div>" * 600 + para("After.")))
w("p6-deep-inline.html", html_page("Deep inline", para("<b><i>" * 300 + "deep" + "</i></b>" * 300)))
w("p6-deep.rss", xml_rss("Chan", [rss_item(
    "Deep HTML in a feed",
    ("<div>" * 600 + "deep" + "</div>" * 600).replace("<", "&lt;").replace(">", "&gt;"))]))
w("p6-deep.atom", atom("Deep", [atom_entry(
    "Deep XHTML", '<div xmlns="http://www.w3.org/1999/xhtml">' + "<div>" * 600 + "deep" + "</div>" * 600 + "</div>",
    ctype="xhtml", extra="<x:e xmlns:x=\"urn:x\">" + "<x:e>" * 600 + "</x:e>" * 600 + "</x:e>\n")]))
w("p6-deep.json",
  '{"version": "https://jsonfeed.org/version/1.1", "title": "Deep", "items": [{"id": "1", "title": "Deep",'
  ' "content_text": "x", "_ext": ' + "[" * 2000 + "]" * 2000 + '}]}\n')
w("p6-deep.md", "# Deep\n\n" + "".join("  " * i + "- item %d\n" % i for i in range(80)) + "\n" + "> " * 300 + "quote\n")

# ---------- P7: renderer DoS ----------
w("p7-quotes.txt", "Quotes\n\nRussia | 17 January 2022 | Wire\n\n" + "> " * 100 + "deep quote\n\n" + ">" * 1000 + " tight\n")
w("p7-quotes.md", "# Quotes\n\n" + "> " * 100 + "deep quote\n\n" + "".join(">" * i + " line\n" for i in range(1, 73)))
w("p7-quotes.rss", xml_rss("Chan", [rss_item(
    "Quotes", ("<blockquote>" * 100 + "deep" + "</blockquote>" * 100).replace("<", "&lt;").replace(">", "&gt;"))]))
w("p7-quotes.html", html_page("Quotes", para("Before.") + "<blockquote>" * 100 + "deep quote" + "</blockquote>" * 100))
w("p7-brackets.md", "# Brackets\n\n" + "[" * 4000 + "\n\n" + "![" * 1000 + "\n\n" + "*" * 4000 + "\n")

# ---------- P8: HTML extraction ----------
P8HEAD = ("<meta http-equiv=\"refresh\" content=\"0; url=javascript:alert(1)\">\n"
          "<base href=\"file:///etc/\">\n"
          "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"file:///etc/passwd\">\n"
          "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"javascript:alert(1)\">\n"
          "<style>body{display:none} .SECRET-STYLE{}</style>\n"
          "<script>var SECRET_SCRIPT = 1;</script>\n")
P8BODY = ("<h1>Extraction</h1>\n" + para("Visible text.") +
          "<script>document.write('SECRET_SCRIPT')</script>\n<style>.SECRET_STYLE{}</style>\n"
          "<noscript>SECRET_NOSCRIPT</noscript>\n<template><p>SECRET_TEMPLATE</p></template>\n"
          "<p hidden>SECRET_HIDDEN</p>\n<p style=\"display:none\">SECRET_DISPLAY_NONE</p>\n"
          "<p aria-hidden=\"true\">SECRET_ARIA</p>\n<div style=\"visibility: hidden\">SECRET_VISIBILITY</div>\n"
          "<iframe src=\"https://evil.example/\">SECRET_IFRAME</iframe>\n"
          "<svg><script>SECRET_SVG_SCRIPT</script><title>SECRET_SVG</title></svg>\n"
          "<object data=\"file:///etc/passwd\">Object fallback text.</object>\n" + para("More visible text."))
w("p8-extraction.html", html_page("Extraction", P8BODY, head=P8HEAD))
w("p8-extraction.rss", xml_rss("Chan", [rss_item(
    "Extraction", "x", extra="<content:encoded><![CDATA[" + P8BODY + "]]></content:encoded>\n")]))
w("p8-extraction.json", jsonfeed([{"id": "1", "url": "https://example.org/a", "title": "Extraction",
                                  "content_html": P8BODY, "date_published": "2022-01-17T10:00:00Z"}]))

# ---------- F4: binary and odd encodings ----------
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + bytes(range(256))
w("f4-png.txt", PNG)
w("f4-png.rss", PNG)
w("f4-png.html", PNG)
rnd = bytes((i * 167 + 13) % 256 for i in range(2048)).replace(b"\x00", b"\x01")
w("f4-random.md", rnd)
w("f4-random.json", rnd)
TXT = "Title in UTF-16\n\nRussia | 17 January 2022 | Wire\n\nBody text.\n"
w("f4-utf16.txt", b"\xff\xfe" + TXT.encode("utf-16-le"))
w("f4-utf16be.md", b"\xfe\xff" + ("# " + TXT).encode("utf-16-be"))
w("f4-utf16.rss", b"\xff\xfe" + xml_rss("Chan", [GOOD_ITEM]).replace("UTF-8", "UTF-16").encode("utf-16-le"))
w("f4-bom-crlf.txt", b"\xef\xbb\xbf" + TXT.replace("\n", "\r\n").encode() + b"Old Mac line\rends\r")
w("f4-bom-crlf.md", b"\xef\xbb\xbf" + "---\r\ntitle: BOM and CRLF\r\ntags: [Russia]\r\n---\r\n\r\nBody\r\ntext.\r\n".encode())
w("f4-bom-crlf.rss", b"\xef\xbb\xbf" + xml_rss("Chan", [GOOD_ITEM]).replace("\n", "\r\n").encode())
w("f4-bom-crlf.json", b"\xef\xbb\xbf" + jsonfeed([{"id": "1", "title": "BOM", "content_text": "a\r\nb\rc",
                                                    "date_published": "2022-01-17T10:00:00Z"}]).replace("\n", "\r\n").encode())
w("f4-bom-crlf.html", b"\xef\xbb\xbf" + html_page("BOM", para("CRLF\r\ntext.")).replace("\n", "\r\n").encode())
for ext in ["txt", "md", "rss", "atom", "json", "html"]:
    w("f4-empty." + ext, b"")
w("f4-nul.txt", b"Title\n\nBody with a NUL \x00 byte.\n")
w("f4-nul.json", b'{"version": "https://jsonfeed.org/version/1.1", "title": "x\x00", "items": []}\n')
w("f4-latin1.txt", "Caf\u00e9 in Latin-1 \u00e0 \u00e9 \u00e8 \u00e7 \u00ea \u00f4 \u00fb \u00ee \u00ef \u00fc\n\nRussia | 17 January 2022\n\nBody.\n".encode("latin-1"))
w("f4-latin1.rss", xml_rss("Caf\u00e9", [rss_item("\u00c9t\u00e9 \u00e0 Moscou", "Texte \u00e9crit en Latin-1.")]).replace("UTF-8", "ISO-8859-1").encode("latin-1"))
w("f4-whitespace.txt", " \n\t\n\n   \n")
