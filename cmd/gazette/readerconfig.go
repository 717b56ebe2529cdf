package main

import (
	"errors"

	"github.com/gazette-news/gazette/internal/config"
	"github.com/gazette-news/gazette/tui"
)

// readerConfig returns the config's [keys] and [theme] for the reader. A
// rebinding the reader cannot take is an error on its line of the config.
func (a *app) readerConfig() (map[string][]string, config.Theme, error) {
	cfg := a.net.cfg
	if cfg == nil {
		return nil, config.Theme{}, nil
	}
	if err := tui.CheckKeys(cfg.Keys); err != nil {
		var ke *tui.KeyError
		if errors.As(err, &ke) {
			return nil, config.Theme{}, cfg.KeyError(a.net.cfgPath, ke.Action, ke.Msg)
		}
		return nil, config.Theme{}, err
	}
	return cfg.Keys, cfg.Theme, nil
}
