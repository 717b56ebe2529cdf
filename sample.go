// Package gazette holds the embedded sample feed, which the commands open
// when no source is given. The reader itself lives in cmd/gazette, feed and
// tui.
package gazette

import "embed"

// Sample is the embedded sample feed: the files of testdata/sample.
//
//go:embed testdata/sample/*.txt
var Sample embed.FS

// SampleDir is the directory of the sample feed inside Sample.
const SampleDir = "testdata/sample"
