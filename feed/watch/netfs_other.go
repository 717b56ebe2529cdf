//go:build !linux

package watch

// networkFS returns "": only Linux is asked which file system a root is
// on; elsewhere Options.Poll is the way to ask for polling.
func networkFS(path string) string { return "" }
