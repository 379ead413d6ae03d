package cli

import (
	"io"
	"log/slog"

	"github.com/polgraph/polgraph/internal/config"
)

// NewLogger builds the one logger of a polgraph process from the config.
func NewLogger(c *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
