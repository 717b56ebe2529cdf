package render

import (
	"fmt"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/styles"

	"github.com/gazette-news/gazette/internal/safefile"
)

// maxStyleFile caps a JSON style file. Glamour's own styles are a few
// kilobytes.
const maxStyleFile = 1 << 20

// styleOption returns the renderer option for a style name or JSON style
// file. Glamour reads a file with os.ReadFile, which waits forever on a
// FIFO and reads /dev/zero until memory runs out; the file is read here
// instead, as every file gazette reads: regular files only, opened without
// blocking, within a cap. encoding/json then refuses nesting past 10,000
// levels on its own, in linear time.
func styleOption(style string) (glamour.TermRendererOption, error) {
	if _, ok := styles.DefaultStyles[style]; ok {
		return glamour.WithStylePath(style), nil
	}
	data, err := safefile.ReadFile(style, maxStyleFile)
	if err != nil {
		return nil, fmt.Errorf("read style file: %w", err)
	}
	return glamour.WithStylesFromJSONBytes(data), nil
}
