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

// ParseDocLazyHead is ParseDocLazy for a caller that keeps no body of
// an article whose countries it puts off (a list that reads bodies again
// when they are wanted): a file in the reference text format that
// declares a country comes without its body (Body nil), read from its
// bytes with no copy of its text. Any other document is parsed as
// ParseDocLazy parses it.
func ParseDocLazyHead(doc Doc) ([]*Article, error) {
	if f, ok := docFormat(doc); ok && f.Name == textFormatName {
		if a, ok := parseTextHead(doc); ok {
			a.Undetected = true
			return []*Article{a}, nil
		}
	}
	return ParseDocLazy(doc)
}

// DetectUnlessDeclared detects a's countries when it declares none, and
// otherwise marks it Undetected, with no Mentions yet.
func DetectUnlessDeclared(a *Article) {
	if a.hasCountryTag() {
		a.Mentions, a.Undetected = nil, true
		return
	}
	DetectCountries(a)
}
