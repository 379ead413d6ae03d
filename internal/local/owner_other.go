//go:build !unix

package local

import "os"

func ownedByMe(os.FileInfo) error { return nil }
