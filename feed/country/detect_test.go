package country

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// benchArticle is about 3 KB of news prose (the reference article) with a dozen country mentions,
// the size of an article's opening that detection reads at load.
func benchArticle() (string, []string) {
	title := "Putin and Xi hail Russia-China relations in virtual meet"
	paras := []string{
		"Days after Russia and China were left out of the Summit on Democracy organized by the United States, their presidents held talks over a virtual meet on Wednesday.",
		"The meeting, which Dmitry Peskov, the Kremlin spokesperson earlier termed to be \"lengthy\" and will cover wide-ranging subjects including \"energy, high tech cooperation, investment and trade.\" In their opening remarks, both the Russian President Vladimir Putin and his Chinese counterpart Xi Jinping hailed Russia-China relations with the former terming them \"a proper example of inter-state cooperation in the 21st Century.\"",
		"President Xi stated that his Russian counterpart strongly supported the People's Republic of China's efforts to protect its key national interests and opposed the attempts to create a wedge between the two countries. \"I appreciate it very much\", he said. Emphasising his stand against the politicisation of the Winter Olympics, the Russian President expressed his hopes that the Beijing Olympics will be held at a high level, where he expected to meet President Xi face-to-face during its opening ceremony.",
		"The talks between the two leaders took place after US President Joe Biden warned his Russian counterpart against any misadventure in Ukraine during a virtual meet held almost a week ago, where Mr. Putin also asked for legally binding guarantees from the US against NATO expansion towards the East. The virtual meet between Moscow and Beijing comes amidst times when both the countries are caught in a rift with the West. Russia is facing increasing heat from the US and NATO over its intense military build-up near the Ukraine border. Similarly, China is facing a diplomatic boycott of the 2022 Winter Olympics led by the US and some other western countries because of concerns over China's excessive human rights abuses against the Uyghur Muslims in Xinjiang province.",
		"Analysts in Europe said the meeting showed how far the two governments had come since the border disputes of the last century. Trade between the neighbours has more than doubled in a decade, and pipelines now carry gas from Siberia to northern provinces. Officials in both capitals expect new agreements on grain, fertiliser and nuclear power to be signed before the end of the year, when the leaders are due to meet in person.",
		"This escalation of tensions with the West has been used by both countries to cultivate closer ties with each other. Russia has used this partnership as a balancing act to balance US hegemony, while at the same time, signing lucrative deals with China, especially in energy. Similarly, Russia came to the rescue of China's acute shortage of coal recently, as it sent huge amounts of coal to China to ensure sufficient supply. Moreover, President Xi had previously described Mr. Putin as his \"best friend\". Thus, in order to consolidate against the influence of the West, both China and Russia are warming up to each other, which is perceived as a growing threat by the West.",
	}
	return title, paras
}

func BenchmarkDetect(b *testing.B) {
	title, paras := benchArticle()
	n := len(title)
	for _, p := range paras {
		n += len(p)
	}
	gaz()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		Detect(title, paras)
	}
}

// AppendDetected appends what Detect returns, after what dst holds, in
// dst's room when it has enough; with nothing found it returns dst.
func TestAppendDetected(t *testing.T) {
	title, paras := benchArticle()
	want := Detect(title, paras)
	if len(want) < 2 {
		t.Fatalf("Detect found %v", want)
	}
	kept := Mention{Name: "Kept", Alpha2: "KP", Score: 1}
	dst := make([]Mention, 1, 16)
	dst[0] = kept
	got := AppendDetected(dst, title, paras)
	if !slices.Equal(got, append([]Mention{kept}, want...)) || &got[0] != &dst[0] {
		t.Errorf("AppendDetected = %v, in dst's room %v; want %v after %v", got, &got[0] == &dst[0], want, kept)
	}
	if got := AppendDetected(dst, "Cooking with butter", []string{"Stir the sauce well."}); len(got) != 1 || &got[0] != &dst[0] {
		t.Errorf("nothing found: AppendDetected = %v, want dst", got)
	}
	if got := AppendDetected(nil, "Cooking with butter", nil); got != nil {
		t.Errorf("nothing found in nil: %v, want nil", got)
	}
}

// found runs detection with no threshold, so that one mention counts.
func found(title string, paras ...string) []string {
	var out []string
	for _, m := range DetectWith(title, paras, Options{Threshold: 0.01, Max: 20}) {
		out = append(out, m.Alpha2)
	}
	slices.Sort(out)
	return out
}

// TestGazetteerResolves checks that every name, alias, demonym and capital
// of the table, and every place of the gazetteer, is found in a sentence
// as its own country. The exceptions are deliberate and listed.
func TestGazetteerResolves(t *testing.T) {
	// Phrases that do not resolve to their own country in prose, and why.
	except := map[string]string{
		"Georgia":    "", // ambiguous: needs evidence of the Caucasus
		"Georgian":   "", // ambiguous: Georgian architecture, Georgians of Atlanta
		"Georgians":  "",
		"Congo":      "CD", // bare "Congo" is DR Congo in news style
		"Sakartvelo": "",   // dropped: rare, and close to names
		"PNG":        "",   // dropped: the image format
		"RSA":        "",   // dropped: the cipher
		"TAAF":       "",
		"BIOT":       "",
		"the States": "",
		"Emirates":   "", // dropped: the airline
	}
	g := gaz()
	for _, c := range All() {
		var phrases []string
		phrases = append(phrases, c.Name)
		phrases = append(phrases, c.Aliases...)
		phrases = append(phrases, c.Demonyms...)
		for _, d := range c.Demonyms {
			if p, ok := plural(d); ok {
				if q, ok := g.phrases[Key(p)]; ok && q.country == g.phrases[Key(d)].country {
					phrases = append(phrases, p)
				}
			}
		}
		phrases = append(phrases, c.Capitals...)
		for _, p := range phrases {
			if strings.ContainsAny(p, ",(") {
				// ISO's inverted names ("Korea, Republic of") are for
				// tags; prose does not write them.
				continue
			}
			want := []string{c.Alpha2}
			if e, ok := except[p]; ok {
				want = nil
				if e != "" {
					want = []string{e}
				}
			}
			got := found("", "Officials in "+p+" spoke on Monday.")
			if !slices.Equal(got, want) {
				t.Errorf("%q (%s): found %v, want %v", p, c.Name, got, want)
			}
		}
	}
	for line := range strings.SplitSeq(gazetteerTSV, "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 3 || f[0] != "place" {
			continue
		}
		got := found("", "Officials in "+f[1]+" spoke on Monday.")
		if !slices.Equal(got, []string{f[2]}) {
			t.Errorf("place %q: found %v, want %s", f[1], got, f[2])
		}
	}
}

func TestBlockedPhrasesFindNothing(t *testing.T) {
	for line := range strings.SplitSeq(gazetteerTSV, "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 2 || f[0] != "block" {
			continue
		}
		if got := found("", "They spoke of the "+f[1]+" again."); got != nil {
			t.Errorf("block %q: found %v", f[1], got)
		}
	}
}

func TestDetectAmbiguity(t *testing.T) {
	tests := []struct {
		name  string
		title string
		text  string
		want  []string
	}{
		{"Georgia with Tbilisi", "", "Protesters in Georgia marched on parliament in Tbilisi.", []string{"GE"}},
		{"Georgia with the Caucasus", "", "Georgia, a small nation in the Caucasus, voted on Saturday.", []string{"GE"}},
		{"Georgia with Atlanta", "", "Voters in Georgia lined up in Atlanta on Tuesday.", []string{"US"}},
		{"Georgia's governor", "", "Georgia's governor signed the bill on Tuesday.", []string{"US"}},
		{"Georgia alone", "", "Georgia was in the news on Tuesday.", nil},
		{"Athens, Georgia", "", "The parade in Athens, Georgia, drew a crowd.", nil},
		{"Georgia O'Keeffe", "", "A painting by Georgia O'Keeffe sold for $44 million.", nil},
		{"Georgian Dream", "", "The Georgian Dream party won the vote.", []string{"GE"}},
		{"Jordan the kingdom", "", "King Abdullah of Jordan met officials in Amman.", []string{"JO"}},
		{"Jordan and Syria", "", "Trade between Jordan and Syria resumed.", []string{"JO", "SY"}},
		{"Jordan at sentence start", "", "Rain fell. Jordan closed its border crossing.", []string{"JO"}},
		{"Michael Jordan", "", "Fans of Michael Jordan queued for hours.", nil},
		{"Jordan Peterson", "", "The talk by Jordan Peterson sold out.", nil},
		{"Air Jordan", "", "The new Air Jordan sneakers sold out.", nil},
		{"Jordan River", "", "Pilgrims waded into the Jordan River.", nil},
		{"Chad the country", "", "Chad's army said it had repelled the attack near N'Djamena.", []string{"TD"}},
		{"Chad President", "", "Officials said Chad President Mahamat Déby would attend.", []string{"TD"}},
		{"Chad the name", "", "The drummer, Chad Smith, toured all summer.", nil},
		{"roast turkey", "", "Roast turkey with gravy is the centrepiece.", nil},
		{"Turkey the dinner", "How to Roast a Turkey", "Season the bird and put it in the oven.", nil},
		{"turkey lower case", "", "We ate turkey and cranberry sauce.", nil},
		{"Turkey the team", "", "Turkey beat Croatia 2-1 to reach the semi-finals.", []string{"HR", "TR"}},
		{"Turkey the state", "", "Turkey said on Monday it would reopen the border.", []string{"TR"}},
		{"Türkiye", "", "Türkiye's central bank raised rates.", []string{"TR"}},
		{"Turkiye without dots", "", "TURKIYE raised rates.", []string{"TR"}},
		{"Guinea-Bissau", "", "Guinea-Bissau held an election.", []string{"GW"}},
		{"Guinea Bissau", "", "Guinea Bissau held an election.", []string{"GW"}},
		{"Equatorial Guinea", "", "Equatorial Guinea pumps oil.", []string{"GQ"}},
		{"Papua New Guinea", "", "Papua New Guinea had a landslide.", []string{"PG"}},
		{"Guinea", "", "Guinea's junta set a date.", []string{"GN"}},
		{"Gulf of Guinea", "", "Pirates struck in the Gulf of Guinea.", nil},
		{"Guinea pigs", "", "Guinea pigs make good pets.", nil},
		{"New Guinea island", "", "New Guinea is the second largest island.", nil},
		{"Niger", "", "Niger closed its airspace.", []string{"NE"}},
		{"Nigeria", "", "Nigeria raised fuel prices.", []string{"NG"}},
		{"Niger and Nigeria", "", "Niger and Nigeria share a border.", []string{"NE", "NG"}},
		{"Niger Delta", "", "Oil spills in the Niger Delta continue.", []string{"NG"}},
		{"Nigerien", "", "Nigerien soldiers patrolled.", []string{"NE"}},
		{"Dominica", "", "Dominica was hit by a storm.", []string{"DM"}},
		{"Dominican Republic", "", "The Dominican Republic welcomed tourists.", []string{"DO"}},
		{"Dominicans", "", "Dominicans voted on Sunday.", []string{"DO"}},
		{"Dominican friars", "", "Dominican friars ran the school.", nil},
		{"Congo with Kinshasa", "", "Congo said talks in Kinshasa had failed.", []string{"CD"}},
		{"Congo with Brazzaville", "", "Congo said talks in Brazzaville had failed.", []string{"CG"}},
		{"Congo bare", "", "Congo declared the outbreak over.", []string{"CD"}},
		{"Republic of the Congo", "", "The Republic of the Congo voted.", []string{"CG"}},
		{"Democratic Republic of the Congo", "", "The Democratic Republic of the Congo voted.", []string{"CD"}},
		{"DR Congo", "", "DR Congo voted.", []string{"CD"}},
		{"DRC", "", "The DRC voted.", []string{"CD"}},
		{"Congo River", "", "Barges sailed up the Congo River.", nil},
		{"New Mexico", "", "A wildfire burned in New Mexico.", []string{"US"}},
		{"Mexico City", "", "Mexico City ran short of water.", []string{"MX"}},
		{"Gulf of Mexico", "", "A storm formed in the Gulf of Mexico.", nil},
		{"Washington Post", "", "The Washington Post reported the story.", nil},
		{"Washington", "", "Washington said it would respond.", []string{"US"}},
		{"George Washington", "", "A portrait of George Washington was sold.", nil},
		{"New South Wales", "", "Floods hit New South Wales.", []string{"AU"}},
		{"Wales", "", "Wales voted for the plan.", []string{"GB"}},
		{"New Jersey", "", "New Jersey voted for the plan.", []string{"US"}},
		{"Jersey", "", "Jersey voted for the plan.", []string{"JE"}},
		{"Lebanon, Ohio", "", "The council of Lebanon, Ohio, met.", []string{"US"}},
		{"Paris, Texas", "", "Paris, Texas, has a tower.", []string{"US"}},
		{"Paris Hilton", "", "A film about Paris Hilton opened.", nil},
		{"Latin America", "", "Growth in Latin America slowed.", nil},
		{"America", "", "America said it would respond.", []string{"US"}},
		{"South Korea and North Korea", "", "South Korea and North Korea met.", []string{"KP", "KR"}},
		{"Korean War", "", "Veterans of the Korean War met.", nil},
		{"Hong Kong is its own entry", "", "Hong Kong passed a law.", []string{"HK"}},
		{"Inner Mongolia", "", "Inner Mongolia had a dust storm.", []string{"CN"}},
		{"Northern Ireland", "", "Northern Ireland's assembly met.", []string{"GB"}},
		{"Ireland", "", "Ireland's assembly met.", []string{"IE"}},
		{"Chinese Taipei", "", "Chinese Taipei won gold.", []string{"TW"}},
		{"People's Republic", "", "The People's Republic of China objected.", []string{"CN"}},
		{"Republic of China", "", "The Republic of China objected.", []string{"TW"}},
		{"Sudan and South Sudan", "", "Sudan and South Sudan agreed.", []string{"SD", "SS"}},
		{"American Samoa", "", "American Samoa voted.", []string{"AS"}},
		{"Samoa", "", "Samoa voted.", []string{"WS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := found(tt.title, tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("found %v, want %v in %q", got, tt.want, tt.text)
			}
		})
	}
}

func TestDetectCodesAndCase(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"bare US", "The US said it would respond.", nil},
		{"us pronoun", "Join us for the fair.", nil},
		{"US in capitals", "JOIN US FOR THE FAIR", nil},
		{"IN in capitals", "Volunteers are welcome IN the morning.", nil},
		{"IT department", "The IT department was closed.", nil},
		{"CAN do", "A CAN do attitude.", nil},
		{"PNG file", "Save the chart as a PNG file.", nil},
		{"U.S. dotted", "The U.S. said it would respond.", []string{"US"}},
		{"u.s. lower", "the u.s. said it would respond.", []string{"US"}},
		{"U.S.-China", "U.S.-China talks resumed.", []string{"CN", "US"}},
		{"USA", "Team USA won gold.", []string{"US"}},
		{"UK", "The UK said it would respond.", []string{"GB"}},
		{"U.K.", "The U.K. said it would respond.", []string{"GB"}},
		{"uk lower", "Visit example.uk for details.", nil},
		{"UAE", "The UAE said it would respond.", []string{"AE"}},
		{"china lower", "She collects fine china and silver.", nil},
		{"CHINA headline", "CHINA RAISES RATES", []string{"CN"}},
		{"possessive", "Russia's army advanced.", []string{"RU"}},
		{"curly possessive", "Russia’s army advanced.", []string{"RU"}},
		{"Côte d'Ivoire", "Côte d’Ivoire exports cocoa.", []string{"CI"}},
		{"COTE D'IVOIRE", "COTE D'IVOIRE EXPORTS COCOA", []string{"CI"}},
		{"Ivorian", "Ivorian farmers protested.", []string{"CI"}},
		{"São Tomé", "São Tomé held a vote.", []string{"ST"}},
		{"Sao Tome", "Sao Tome held a vote.", []string{"ST"}},
		{"Kremlin", "The Kremlin said it would respond.", []string{"RU"}},
		{"White House", "The White House said it would respond.", []string{"US"}},
		{"Downing Street", "Downing Street said it would respond.", []string{"GB"}},
		{"Kiev and Kyiv", "Kiev, or Kyiv, was shelled.", []string{"UA"}},
		{"demonym plural", "Ukrainians queued for water.", []string{"UA"}},
		{"Burma", "Burma's junta met.", []string{"MM"}},
		{"Holland", "Holland beat Spain.", []string{"ES", "NL"}},
		{"Tom Holland", "A film with Tom Holland opened.", nil},
		{"St. Lucia", "St. Lucia held a vote.", []string{"LC"}},
		{"Trinidad & Tobago", "Trinidad & Tobago held a vote.", []string{"TT"}},
		{"across a comma", "In New, Mexico said no.", []string{"MX"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := found("", tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("found %v, want %v in %q", got, tt.want, tt.text)
			}
		})
	}
}

func TestDetectScoring(t *testing.T) {
	t.Run("title weighs most", func(t *testing.T) {
		got := DetectWith("Chile votes", []string{"Peru watched closely."}, Options{Threshold: 0.01, Max: 5})
		if len(got) != 2 || got[0].Alpha2 != "CL" || got[0].Score <= got[1].Score {
			t.Errorf("got %+v, want Chile above Peru", got)
		}
	})
	t.Run("count and spread", func(t *testing.T) {
		got := DetectWith("", []string{"Peru and Chile.", "Peru again.", "Peru once more."}, Options{Threshold: 0.01, Max: 5})
		if len(got) != 2 || got[0].Alpha2 != "PE" {
			t.Errorf("got %+v, want Peru first", got)
		}
	})
	t.Run("passing mention dropped", func(t *testing.T) {
		got := Detect("Germany cuts jobs", []string{
			"Germany's largest carmaker will cut jobs in Germany.",
			"Unions in Germany said they would strike.",
			"The company once had a plant in Brazil.",
		})
		if len(got) != 1 || got[0].Alpha2 != "DE" {
			t.Errorf("got %+v, want only Germany", got)
		}
	})
	t.Run("at most Max", func(t *testing.T) {
		text := "France, Spain, Italy, Greece, Portugal, Austria and Malta signed."
		if got := Detect(text, []string{text}); len(got) != 5 {
			t.Errorf("got %d mentions, want 5", len(got))
		}
		if got := DetectWith(text, []string{text}, Options{Threshold: 1, Max: 2}); len(got) != 2 {
			t.Errorf("got %d mentions, want 2", len(got))
		}
	})
	t.Run("nothing", func(t *testing.T) {
		if got := Detect("", nil); got != nil {
			t.Errorf("got %+v for no text", got)
		}
		if got := DetectWith("France", nil, Options{}); got != nil {
			t.Errorf("got %+v with Max 0", got)
		}
	})
	t.Run("names and scores", func(t *testing.T) {
		got := Detect("Côte d'Ivoire raises cocoa price", nil)
		if len(got) != 1 || got[0].Name != "Côte d'Ivoire" || got[0].Alpha2 != "CI" || got[0].Score < 1 {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("MaxBytes", func(t *testing.T) {
		long := strings.Repeat("Nothing to see here. ", 100)
		got := DetectWith("", []string{long, "France won."}, Options{Threshold: 0.01, Max: 5, MaxBytes: 1000})
		if got != nil {
			t.Errorf("got %+v past MaxBytes", got)
		}
	})
}

func TestBuildGazetteerErrors(t *testing.T) {
	all := table().all
	tests := []struct{ name, line string }{
		{"unknown directive", "frob\tFrance"},
		{"drop missing", "drop\tAtlantis"},
		{"weight missing", "weight\tAtlantis\t0.5"},
		{"bad weight", "weight\tFrance\tlots"},
		{"place twice", "place\tFrance\tFR\t1"},
		{"place bad code", "place\tGotham\tZZ\t1"},
		{"place bad group", "place\tGotham\tUS\t1\tcities"},
		{"ambig bad code", "ambig\tGotham\tZZ"},
		{"ambig bad rule", "ambig\tGotham\tUS\tmaybe"},
		{"ambig two-word context", "ambig\tGotham\tUS\tpos=dark knight"},
		{"ambig bad evidence", "ambig\tGotham\tUS\tpos=@ZZ"},
		{"empty phrase", "block\t..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := buildGazetteer(all, tt.line+"\n"); err == nil {
				t.Errorf("accepted %q", tt.line)
			}
		})
	}
	if _, err := buildGazetteer(all, gazetteerTSV); err != nil {
		t.Errorf("gazetteer.tsv: %v", err)
	}
}

func FuzzDetect(f *testing.F) {
	title, paras := benchArticle()
	f.Add(title, paras[1])
	for _, s := range []string{"U.S.-China", "Georgia O'Keeffe", "Athens, Georgia,", "Côte d’Ivoire", "\xff\xfeRussia", "J.", "a.b.c", "Turkey Turkey turkey", "Congo, Brazzaville"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, title, para string) {
		got := Detect(title, []string{para, para})
		if len(got) > 5 {
			t.Fatalf("%d mentions", len(got))
		}
		for i, m := range got {
			c, ok := ByCode(m.Alpha2)
			if !ok || c.Name != m.Name || !utf8.ValidString(m.Name) || m.Score < 1 {
				t.Fatalf("bad mention %+v", m)
			}
			if i > 0 && got[i-1].Score < m.Score {
				t.Fatalf("not sorted: %+v", got)
			}
		}
	})
}

// TestDetectConcurrent runs Detect from several goroutines at once, as the
// loader does, and requires the answers a lone call gives: the buffers one
// call reuses from another must carry nothing over.
func TestDetectConcurrent(t *testing.T) {
	cases := loadEval(t)
	want := make([][]Mention, len(cases))
	for i, c := range cases {
		want[i] = Detect(c.title, c.paragraphs)
	}
	const workers = 4
	errs := make(chan string, workers)
	for w := range workers {
		go func() {
			bad := ""
			for round := range 3 {
				for k := range cases {
					i := (k + w*7 + round) % len(cases)
					c := cases[i]
					if got := Detect(c.title, c.paragraphs); !slices.Equal(got, want[i]) && bad == "" {
						bad = fmt.Sprintf("%s: got %v, want %v", c.name, got, want[i])
					}
				}
			}
			errs <- bad
		}()
	}
	for range workers {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

// Prepare builds the tables while detections run beside it: each finds
// what it finds after it. Run alone, under the race detector, the build
// and the detections meet.
func TestPrepareBesideDetect(t *testing.T) {
	var wg sync.WaitGroup
	got := make([][]Mention, 4)
	wg.Go(Prepare)
	for i := range got {
		wg.Go(func() { got[i] = Detect("Kremlin talks", []string{"Moscow and Beijing signed a pact."}) })
	}
	wg.Wait()
	Prepare()
	want := Detect("Kremlin talks", []string{"Moscow and Beijing signed a pact."})
	if len(want) == 0 || want[0].Alpha2 != "RU" {
		t.Fatalf("detected %+v, want Russia first", want)
	}
	for i, g := range got {
		if !slices.Equal(g, want) {
			t.Errorf("detection %d beside the build found %+v, want %+v", i, g, want)
		}
	}
}
