//go:build !unix

package safefile

// OwnDir returns nil: on these systems the cache lives in the user's own
// profile (%LocalAppData%), whose access lists keep other users out, and
// Unix ownership and modes do not apply.
func OwnDir(dir string) error { return nil }
