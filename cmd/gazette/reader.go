package main

import (
	"context"

	"github.com/gazette-news/gazette/tui"
)

// runTUI opens the interactive reader on the sources.
func (a *app) runTUI(ctx context.Context, args []string) error {
	return tui.Run(ctx, tui.Options{
		Sources:  a.sources(args),
		Loader:   a.loader(),
		Style:    a.style,
		NoColor:  !a.colorOn(),
		Output:   a.io.out,
		Getenv:   a.io.getenv,
		FullPage: a.fullPage,
	})
}
