//go:build !unix

package tui

// closeInheritedFDs does nothing where descriptors are not inherited by
// default.
func closeInheritedFDs() {}
