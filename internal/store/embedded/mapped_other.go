//go:build !linux

package embedded

// dropMapped is a no-op where madvise's MADV_DONTNEED is not known to keep
// a shared file map's contents.
func dropMapped(addr uintptr, size int64) {}
