package gazette

import (
	"os/exec"
	"strings"
	"testing"
)

// The arrows of the import graph point one way: nothing in internal/
// imports the reader or the commands, feed imports no terminal code, and
// internal/humanize, which feed may use, imports only the standard
// library. A wrong arrow fails here.
func TestImportArrows(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	const mod = "github.com/gazette-news/gazette"
	deps := func(pkg string) []string {
		t.Helper()
		out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	tests := []struct {
		pkg       string
		forbidden []string
	}{
		{"./internal/...", []string{mod + "/tui", mod + "/cmd/"}},
		{"./feed/...", []string{mod + "/tui", mod + "/cmd/", mod + "/internal/render", mod + "/internal/chart", "charm.land/", "github.com/charmbracelet/"}},
		{"./internal/humanize", []string{"."}},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			for _, d := range deps(tt.pkg) {
				for _, bad := range tt.forbidden {
					if bad == "." {
						// Only the standard library, whose paths have no dot
						// in their first element, and the package itself.
						first, _, _ := strings.Cut(d, "/")
						if strings.Contains(first, ".") && d != mod+"/internal/humanize" {
							t.Errorf("%s imports %s", tt.pkg, d)
						}
						continue
					}
					if d == strings.TrimSuffix(bad, "/") || strings.HasPrefix(d, bad) {
						t.Errorf("%s imports %s", tt.pkg, d)
					}
				}
			}
		})
	}
}
