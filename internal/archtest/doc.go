// Package archtest holds the test of the import graph: which of gazette's
// packages may import which, as ARCHITECTURE.md draws it. It has no code
// of its own; a wrong arrow fails its test.
package archtest
