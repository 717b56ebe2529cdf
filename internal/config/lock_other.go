//go:build !unix && !windows

package config

// lockFile takes no lock: these systems (plan9, wasip1, js) have neither
// flock nor LockFileEx. Writes stay atomic, but two processes changing the
// config at the same instant may lose one change there.
func lockFile(string) (unlock func(), err error) { return func() {}, nil }

// syncDir does nothing on these systems.
func syncDir(string) error { return nil }
