package cli_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/cli"
)

// TestServeStopsWhileOpening: a serve told to stop (SIGINT/SIGTERM cancel
// its context) before its store has loaded gives up the load and never
// listens. The embedded store's own test cancels a load part-way.
func TestServeStopsWhileOpening(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	logs := &syncBuffer{}
	err := cli.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--log-format", "json"}, io.Discard, logs)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("serve with a cancelled context = %v, want context.Canceled", err)
	}
	if strings.Contains(logs.String(), `"addr"`) {
		t.Errorf("serve listened although told to stop:\n%s", logs.String())
	}
}
