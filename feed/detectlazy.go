package feed

// ParseDocLazy is ParseDoc that puts country detection off where it can
// wait: an article that declares a country is left Undetected, for its
// detected countries are only dimmed badges beside the declared ones and
// may come later (DetectCountries, or Loader.Body reading it again). An
// article that declares none is detected now, because its detected
// countries stand in for its tags in lists and filters.
func ParseDocLazy(doc Doc) ([]*Article, error) {
	arts, err := parseDoc(doc, false)
	for _, a := range arts {
		DetectUnlessDeclared(a)
	}
	return arts, err
}

// DetectUnlessDeclared detects a's countries when it declares none, and
// otherwise marks it Undetected, with no Mentions yet.
func DetectUnlessDeclared(a *Article) {
	for _, t := range a.Tags {
		if t.Country {
			a.Mentions, a.Undetected = nil, true
			return
		}
	}
	DetectCountries(a)
}
