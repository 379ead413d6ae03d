//go:build !unix

package scalebench

import "time"

// CPUTime is unknown here.
func CPUTime() time.Duration { return 0 }
