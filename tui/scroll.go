package tui

// scroller is the scrolling state of rows on screen: a cursor over n rows
// and the first of the rows shown. The article list, the tag picker and
// the link picker move a cursor; panels have none and scroll the window
// alone.
type scroller struct {
	cursor int
	offset int
}

// clamp keeps the cursor within n rows and the window of height rows
// around it, margin rows from the window's edges when it can.
func (s scroller) clamp(n, height, margin int) scroller {
	if n <= 0 {
		return scroller{}
	}
	s.cursor = min(max(s.cursor, 0), n-1)
	height = max(height, 1)
	margin = max(min(margin, (height-1)/2), 0)
	if s.cursor < s.offset+margin {
		s.offset = s.cursor - margin
	}
	if s.cursor > s.offset+height-1-margin {
		s.offset = s.cursor - height + 1 + margin
	}
	s.offset = min(max(s.offset, 0), max(n-height, 0))
	return s
}

// scroll moves the window of height rows over n by d rows, for views
// without a cursor.
func (s scroller) scroll(d, n, height int) scroller {
	s.offset = min(max(s.offset+d, 0), max(n-max(height, 1), 0))
	return s
}

// window returns the range of rows on screen, [start, end).
func (s scroller) window(n, height int) (start, end int) {
	return s.offset, min(s.offset+max(height, 0), n)
}
