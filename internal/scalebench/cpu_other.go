//go:build !unix

package scalebench

import "time"

// cpuTime is unknown here.
func cpuTime() time.Duration { return 0 }
