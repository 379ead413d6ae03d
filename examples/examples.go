// Package examples holds polgraph's example dossiers, embedded so that the
// binary can load the demo dataset (polgraph serve --demo) without the
// source tree.
package examples

import (
	"embed"
	"io/fs"
)

// DemoFile is the name of the demo dossier: the BBC report on Han Dong
// (March 2023) that the project was built around.
const DemoFile = "han-dong-bbc.dossier.json"

//go:embed *.dossier.json
var files embed.FS

// FS holds every example dossier (*.dossier.json) at its root.
func FS() fs.FS { return files }

// Demo returns the demo dossier. It is a fresh copy on every call, so a
// caller may keep or change it.
func Demo() []byte {
	b, err := files.ReadFile(DemoFile)
	if err != nil {
		panic("examples: the demo dossier is not embedded: " + err.Error()) // a build defect, caught by the tests
	}
	return b
}
