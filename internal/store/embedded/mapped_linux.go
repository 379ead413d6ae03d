package embedded

import (
	"os"
	"syscall"
)

// dropMapped tells the kernel that the size bytes mapped at addr (bbolt's
// read-only map of the database file) are not needed soon: their pages
// leave the process's resident set but stay in the page cache, and a later
// read maps them in again. The map is never written through, so nothing is
// lost.
func dropMapped(addr uintptr, size int64) {
	page := int64(os.Getpagesize())
	size -= size % page
	if addr == 0 || size <= 0 {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, addr, uintptr(size), syscall.MADV_DONTNEED)
}
