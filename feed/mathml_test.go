package feed

import (
	"strings"
	"testing"
)

func TestMathMLKeptAsText(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"tokens", `<p>getting <math><mi>k</mi></math> heads</p>`, "getting k heads"},
		{"alttext wins", `<p>is <math alttext="x^2"><msup><mi>x</mi><mn>2</mn></msup></math>.</p>`, "is x^2."},
		{"annotation left out", `<p>is <math><semantics><mi>y</mi><annotation encoding="application/x-tex">\why</annotation></semantics></math>.</p>`, "is y."},
		{"namespaced in XHTML", `<p>of <math xmlns="http://www.w3.org/1998/Math/MathML"><mi>n</mi></math> coins</p>`, "of n coins"},
		{"empty math", `<p>a <math></math>b</p>`, "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rb refBuilder
			b := newBodyBuilder(nil, &rb)
			if err := newHTMLConverter().fragment(tt.html, b); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, blk := range b.blocks {
				got = append(got, blk.Text)
			}
			if s := strings.Join(got, "\n"); s != tt.want {
				t.Errorf("got %q, want %q", s, tt.want)
			}
		})
	}
}

func TestMathMLInPage(t *testing.T) {
	a := parsePage(t, "", page("<title>Coins</title>", `<p>The binomial distribution gives the probability of getting <math><mi>k</mi></math> heads when flipping <math><mi>n</mi></math> coins, with several clauses, commas, and words.</p>`+storyText))
	if got := allText(a); !strings.Contains(got, "getting k heads when flipping n coins") {
		t.Errorf("math lost: %q", got)
	}
}
