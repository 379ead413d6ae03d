package embedded

import (
	"hash/maphash"
	"unsafe"
)

// arena holds the graph's many small strings (relationship ids and roles)
// packed in large chunks, so that records can name them with integers and
// stay free of pointers: the garbage collector then has a few chunks to
// mark instead of a million strings, and does not scan the records at all.
// A chunk is only ever appended to, never moved or rewritten, so a string
// viewing its bytes stays valid and unchanged.
type arena struct {
	chunks [][]byte
}

// sref names a string in an arena; the zero value is "".
type sref struct {
	chunk, off, n uint32
}

const arenaChunk = 1 << 20

// add copies s into the arena.
func (a *arena) add(s string) sref {
	if s == "" {
		return sref{}
	}
	last := len(a.chunks) - 1
	if last < 0 || cap(a.chunks[last])-len(a.chunks[last]) < len(s) {
		a.chunks = append(a.chunks, make([]byte, 0, max(arenaChunk, len(s))))
		last++
	}
	c := a.chunks[last]
	a.chunks[last] = append(c, s...)
	return sref{chunk: uint32(last), off: uint32(len(c)), n: uint32(len(s))}
}

// str returns the string r names, sharing the arena's bytes.
func (a *arena) str(r sref) string {
	if r.n == 0 {
		return ""
	}
	c := a.chunks[r.chunk]
	return unsafe.String(&c[r.off], r.n)
}

// relIndex finds a relationship by id. It is an open-addressing hash table
// of relationship indices, each with the top of its id's hash, that reads
// the ids themselves from the records: unlike a map keyed by string, it
// holds no pointers for the garbage collector to scan.
type relIndex struct {
	seed  maphash.Seed
	slots []uint64 // hash tag<<32 | index+1; 0 for an empty slot
	n     int
}

func newRelIndex() relIndex { return relIndex{seed: maphash.MakeSeed()} }

// lookupRel returns the index of the relationship with the given id.
func (g *graph) lookupRel(id string) (int32, bool) {
	x := &g.relIdx
	if len(x.slots) == 0 {
		return 0, false
	}
	h := maphash.String(x.seed, id)
	tag, mask := h>>32, uint64(len(x.slots)-1)
	for k := h & mask; ; k = (k + 1) & mask {
		s := x.slots[k]
		if s == 0 {
			return 0, false
		}
		if i := int32(uint32(s) - 1); s>>32 == tag && g.relID(i) == id {
			return i, true
		}
	}
}

// indexRel adds relationship i, whose id is not indexed yet.
func (g *graph) indexRel(i int32) {
	x := &g.relIdx
	if 2*(x.n+1) > len(x.slots) {
		old := x.slots
		x.slots = make([]uint64, max(1024, 2*len(old)))
		for _, s := range old {
			if s != 0 {
				x.insert(s, maphash.String(x.seed, g.relID(int32(uint32(s)-1))))
			}
		}
	}
	h := maphash.String(x.seed, g.relID(i))
	x.insert(h>>32<<32|uint64(uint32(i)+1), h)
	x.n++
}

func (x *relIndex) insert(slot, h uint64) {
	mask := uint64(len(x.slots) - 1)
	k := h & mask
	for x.slots[k] != 0 {
		k = (k + 1) & mask
	}
	x.slots[k] = slot
}
