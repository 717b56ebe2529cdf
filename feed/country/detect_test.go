package country

import "testing"

// benchArticle is about 3 KB of news prose with a dozen country mentions,
// the size of an article's opening that detection reads at load.
func benchArticle() (string, []string) {
	title := "Putin and Xi hail Russia-China relations in virtual meet"
	paras := []string{
		"Days after Russia and China were left out of the Summit on Democracy organized by the United States, their presidents held talks over a virtual meet on Wednesday.",
		"The meeting, which Dmitry Peskov, the Kremlin spokesperson earlier termed to be \"lengthy\" and will cover wide-ranging subjects including \"energy, high tech cooperation, investment and trade.\" In their opening remarks, both the Russian President Vladimir Putin and his Chinese counterpart Xi Jinping hailed Russia-China relations with the former terming them \"a proper example of inter-state cooperation in the 21st Century.\"",
		"President Xi stated that his Russian counterpart strongly supported the People's Republic of China's efforts to protect its key national interests and opposed the attempts to create a wedge between the two countries. \"I appreciate it very much\", he said. Emphasising his stand against the politicisation of the Winter Olympics, the Russian President expressed his hopes that the Beijing Olympics will be held at a high level, where he expected to meet President Xi face-to-face during its opening ceremony.",
		"The talks between the two leaders took place after US President Joe Biden warned his Russian counterpart against any misadventure in Ukraine during a virtual meet held almost a week ago, where Mr. Putin also asked for legally binding guarantees from the US against NATO expansion towards the East. The virtual meet between Moscow and Beijing comes amidst times when both the countries are caught in a rift with the West. Russia is facing increasing heat from the US and NATO over its intense military build-up near the Ukraine border. Similarly, China is facing a diplomatic boycott of the 2022 Winter Olympics led by the US and some other western countries because of concerns over China's excessive human rights abuses against the Uyghur Muslims in Xinjiang province.",
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
