// Package termcheck is the test oracle for terminal output: it decides,
// independently of the output filter, whether bytes gazette printed would
// make a terminal do anything beyond showing text, styling it and linking
// to web pages. Tests of the commands, the renderer and the fuzz targets
// share it, so that they all hold gazette to the same contract.
package termcheck

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Link is one OSC 8 hyperlink in checked output, with the text it covers.
type Link struct {
	// Target is the URL the terminal would open.
	Target string
	// Text is the visible text between the link's start and its end,
	// escape sequences removed.
	Text string
}

// Report is what Check found in output that passed.
type Report struct {
	// SGR counts styling sequences.
	SGR int
	// Links are the hyperlinks, in order.
	Links []Link
}

var (
	// sgrRE is the one CSI that printed output may hold: Select Graphic
	// Rendition, with plain numeric parameters.
	sgrRE = regexp.MustCompile(`^\x1b\[[0-9;:]*m$`)
	// linkRE is an OSC 8 hyperlink start (with a target) or end (without),
	// terminated by BEL or ST.
	linkRE = regexp.MustCompile(`^\x1b\]8;([!-:<-~]*);([!-~]*)(?:\x07|\x1b\\)$`)
)

// Check returns an error describing the first thing in out that a
// terminal would act on other than printing: any escape sequence but SGR
// and an OSC 8 hyperlink to an http or https URL, any C0 control but
// newline and tab, DEL, any C1 control, a bidirectional formatting
// control, invalid UTF-8, or a sequence left open at the end. Output is
// judged twice: as the x/ansi decoder frames it, and as the x/ansi
// terminal-style state machine acts on it.
func Check(out []byte) (Report, error) {
	return Options{}.Check(out)
}

// Options relax Check for output that has not passed the output filter
// yet.
type Options struct {
	// TextLinks allows hyperlinks to http and https URLs that name no host,
	// such as "http://#x", or carry user information, such as
	// "http://@.a". Glamour links any text that looks like a URL; the
	// output filter drops both kinds, so they are allowed only in output
	// that has not passed it yet.
	TextLinks bool
}

// Check is the package's Check with the options o.
func (o Options) Check(out []byte) (Report, error) {
	var rep Report
	if !utf8.Valid(out) {
		i := firstInvalid(out)
		return rep, fmt.Errorf("invalid UTF-8 at byte %d: %q", i, context(out, i))
	}
	var state byte
	var link *Link
	for i := 0; i < len(out); {
		seq, width, n, st := ansi.DecodeSequence(out[i:], state, nil)
		if n == 0 {
			return rep, fmt.Errorf("decoder stuck at byte %d", i)
		}
		state = st
		switch c := seq[0]; {
		case c == ansi.ESC:
			switch {
			case sgrRE.Match(seq):
				rep.SGR++
			case linkRE.Match(seq):
				m := linkRE.FindSubmatch(seq)
				target := string(m[2])
				if link != nil {
					rep.Links = append(rep.Links, *link)
					link = nil
				}
				if target == "" {
					break
				}
				if !webURL(target, o.TextLinks) {
					return rep, fmt.Errorf("hyperlink to %q at byte %d", target, i)
				}
				link = &Link{Target: target}
			default:
				return rep, fmt.Errorf("escape sequence %q at byte %d: %q", seq, i, context(out, i))
			}
		case c == '\n' || c == '\t':
		case c < 0x20 || c == ansi.DEL:
			return rep, fmt.Errorf("control character %q at byte %d: %q", c, i, context(out, i))
		default:
			r, _ := utf8.DecodeRune(seq)
			if r >= 0x80 && r <= 0x9F {
				return rep, fmt.Errorf("C1 control %U at byte %d: %q", r, i, context(out, i))
			}
			for _, r := range string(seq) {
				if Bidi(r) {
					return rep, fmt.Errorf("bidi control %U at byte %d: %q", r, i, context(out, i))
				}
			}
			if link != nil && width > 0 {
				link.Text += string(seq)
			}
		}
		i += n
	}
	if state != ansi.NormalState {
		return rep, fmt.Errorf("output ends inside an escape sequence: %q", context(out, len(out)))
	}
	if link != nil {
		rep.Links = append(rep.Links, *link)
	}
	if err := checkActions(out); err != nil {
		return rep, err
	}
	return rep, nil
}

// checkActions runs out through the x/ansi state machine and fails on any
// action beyond printing, newline, tab, SGR and OSC 8.
func checkActions(out []byte) error {
	var bad []string
	p := ansi.NewParser()
	p.SetHandler(ansi.Handler{
		Print: func(r rune) {
			if r >= 0x80 && r <= 0x9F || Bidi(r) {
				bad = append(bad, fmt.Sprintf("print %U", r))
			}
		},
		Execute: func(b byte) {
			if b != '\n' && b != '\t' {
				bad = append(bad, fmt.Sprintf("execute %q", b))
			}
		},
		HandleCsi: func(cmd ansi.Cmd, _ ansi.Params) {
			if cmd.Final() != 'm' || cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
				bad = append(bad, fmt.Sprintf("CSI %c", cmd.Final()))
			}
		},
		HandleEsc: func(cmd ansi.Cmd) {
			// ESC \ is the string terminator that may end an OSC 8.
			if cmd.Final() != '\\' {
				bad = append(bad, fmt.Sprintf("ESC %c", cmd.Final()))
			}
		},
		HandleOsc: func(cmd int, _ []byte) {
			if cmd != 8 {
				bad = append(bad, fmt.Sprintf("OSC %d", cmd))
			}
		},
		HandleDcs: func(ansi.Cmd, ansi.Params, []byte) { bad = append(bad, "DCS") },
		HandleSos: func([]byte) { bad = append(bad, "SOS") },
		HandlePm:  func([]byte) { bad = append(bad, "PM") },
		HandleApc: func([]byte) { bad = append(bad, "APC") },
	})
	p.Parse(out)
	if len(bad) > 0 {
		return fmt.Errorf("a terminal would perform %s", strings.Join(bad[:min(len(bad), 5)], ", "))
	}
	return nil
}

// webURL reports whether s is an absolute http or https URL with a host
// (unless hostless is set) and no credentials.
func webURL(s string, textLinks bool) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" {
		return false
	}
	return textLinks || u.Host != "" && u.User == nil
}

// Bidi reports whether r is a bidirectional formatting control, which can
// make text read differently from how it is stored.
func Bidi(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 ||
		r == 0x200E || r == 0x200F || r == 0x061C
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// context returns the bytes around offset i, for messages.
func context(b []byte, i int) []byte {
	return b[max(0, i-24):min(len(b), i+24)]
}
