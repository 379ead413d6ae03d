//go:build unix

package scalebench

import (
	"syscall"
	"time"
)

// CPUTime is the CPU time this process has used, user and system, on
// every core (the garbage collector's background work included).
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
