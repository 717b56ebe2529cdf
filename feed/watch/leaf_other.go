//go:build !linux

package watch

// leafDir reports false: the directory is listed to find its
// subdirectories.
func leafDir(string) bool { return false }
