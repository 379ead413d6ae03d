package kg

import (
	"errors"
	"fmt"
	"strings"
)

// ErrorKind classifies a failure so that every transport can map it (GraphQL
// extensions.code, HTTP status, CLI exit code) without inspecting messages.
type ErrorKind int

const (
	// KindInternal is a bug or an unexpected backend failure; its message is
	// never shown to clients.
	KindInternal ErrorKind = iota
	// KindInvalid is bad input from the caller.
	KindInvalid
	// KindNotFound is a reference to something that does not exist.
	KindNotFound
	// KindConflict is a write that contradicts what is stored (e.g. changing
	// an entity's kind).
	KindConflict
	// KindUnavailable is a backend that cannot be reached right now; the
	// caller may retry.
	KindUnavailable
	// KindUnauthenticated is a request that needs credentials it did not
	// present, or presented credentials that are not valid.
	KindUnauthenticated
	// KindForbidden is a request whose credentials are valid but whose role
	// does not allow it.
	KindForbidden
)

func (k ErrorKind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindNotFound:
		return "not found"
	case KindConflict:
		return "conflict"
	case KindUnavailable:
		return "unavailable"
	case KindUnauthenticated:
		return "unauthenticated"
	case KindForbidden:
		return "forbidden"
	default:
		return "internal"
	}
}

// Problem is one thing wrong with an input, located by a path: a GraphQL
// argument name ("first"), a field of an input ("entity.name") or a JSON path
// into a dossier ("$.relationships[3].to").
type Problem struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

func (p Problem) String() string { return p.Path + ": " + p.Reason }

// Error is the error type of the domain and of every store.
type Error struct {
	Op       string    // the operation that failed, e.g. "upsertEntity"
	Kind     ErrorKind // classification
	ID       string    // for KindNotFound / KindConflict: the id concerned
	Problems []Problem // for KindInvalid: every problem found
	Err      error     // the wrapped cause, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	switch {
	case len(e.Problems) > 0:
		for i, p := range e.Problems {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(p.String())
		}
	case e.Kind == KindNotFound && e.ID != "":
		fmt.Fprintf(&b, "%q not found", e.ID)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		b.WriteString(e.Kind.String())
	}
	if len(e.Problems) > 0 && e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of err: the kind of the first *Error in its chain,
// or KindInternal for anything else.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// ProblemsOf returns the problems carried by err, if it is an invalid-input error.
func ProblemsOf(err error) []Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Problems
	}
	return nil
}

// IsNotFound reports whether err is a not-found error.
func IsNotFound(err error) bool { return err != nil && KindOf(err) == KindNotFound }

// NotFound builds a not-found error for id.
func NotFound(op, id string) error { return &Error{Op: op, Kind: KindNotFound, ID: id} }

// Invalid builds an invalid-input error from one or more problems.
func Invalid(op string, problems ...Problem) error {
	return &Error{Op: op, Kind: KindInvalid, Problems: problems}
}

// Invalidf builds an invalid-input error with a single problem at path.
func Invalidf(op, path, format string, args ...any) error {
	return Invalid(op, Problem{Path: path, Reason: fmt.Sprintf(format, args...)})
}

// Conflict builds a conflict error about id.
func Conflict(op, id, format string, args ...any) error {
	return &Error{Op: op, Kind: KindConflict, ID: id, Err: fmt.Errorf(format, args...)}
}

// Unavailable wraps a cause that means the backend cannot be reached.
func Unavailable(op string, err error) error {
	return &Error{Op: op, Kind: KindUnavailable, Err: err}
}

// Internal wraps an unexpected cause.
func Internal(op string, err error) error {
	return &Error{Op: op, Kind: KindInternal, Err: err}
}

// problems accumulates validation problems under a path prefix.
type problems struct {
	list []Problem
}

func (p *problems) add(path, format string, args ...any) {
	p.list = append(p.list, Problem{Path: path, Reason: fmt.Sprintf(format, args...)})
}

func (p *problems) err(op string) error {
	if len(p.list) == 0 {
		return nil
	}
	return Invalid(op, p.list...)
}
