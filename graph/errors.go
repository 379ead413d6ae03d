package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Error codes in extensions.code.
const (
	CodeBadUserInput = "BAD_USER_INPUT"
	CodeNotFound     = "NOT_FOUND"
	CodeConflict     = "CONFLICT"
	CodeUnavailable  = "UNAVAILABLE"
	CodeInternal     = "INTERNAL"
	// CodeUnauthenticated: the request needs an API key it did not send,
	// or sent one that is unknown or revoked.
	CodeUnauthenticated = "UNAUTHENTICATED"
	// CodeForbidden: the request's key is valid but its role does not
	// allow what was asked.
	CodeForbidden = "FORBIDDEN"
)

// ErrorPresenter maps domain errors to GraphQL errors: the kg error kind
// becomes extensions.code, invalid input lists its problems in
// extensions.problems, and anything unexpected is logged in full and shown
// to the client only as a generic INTERNAL error.
func ErrorPresenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		// Errors made by the GraphQL machinery itself (parse, validation,
		// complexity) carry their own code and a message meant for clients.
		var own *gqlerror.Error
		if errors.As(err, &own) && own.Err == nil {
			return gqlErr
		}
		// A request that ran out of time or whose client went away: the
		// stores report it as unavailable, but it is neither the store's
		// fault nor worth a warning.
		if code := ended(ctx); code != "" {
			if code == CodeTimeout {
				return timeoutError(ctx)
			}
			logger.LogAttrs(ctx, slog.LevelDebug, "request cancelled", slog.String("path", gqlErr.Path.String()))
			return limitError(CodeCancelled, "the request was cancelled")
		}
		var kerr *kg.Error
		if !errors.As(err, &kerr) {
			return internal(ctx, logger, gqlErr, err)
		}
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		switch kerr.Kind {
		case kg.KindInvalid:
			gqlErr.Extensions["code"] = CodeBadUserInput
			// A scalar that failed to parse (a Date) does not know which
			// argument it was read for; gqlgen's error path does.
			problems := make([]kg.Problem, len(kerr.Problems))
			copy(problems, kerr.Problems)
			at := argumentPath(ctx, gqlErr)
			for i := range problems {
				if problems[i].Path == "" {
					problems[i].Path = at
				}
			}
			gqlErr.Extensions["problems"] = problems
			gqlErr.Message = invalidMessage(kerr, problems)
		case kg.KindNotFound:
			gqlErr.Extensions["code"] = CodeNotFound
			if kerr.ID != "" {
				gqlErr.Extensions["id"] = kerr.ID
			}
			if len(kerr.Problems) > 0 {
				gqlErr.Extensions["problems"] = kerr.Problems
			}
			gqlErr.Message = kerr.Error()
		case kg.KindConflict:
			gqlErr.Extensions["code"] = CodeConflict
			if kerr.ID != "" {
				gqlErr.Extensions["id"] = kerr.ID
			}
			gqlErr.Message = kerr.Error()
		case kg.KindUnauthenticated:
			gqlErr.Extensions["code"] = CodeUnauthenticated
			gqlErr.Message = kerr.Error()
		case kg.KindForbidden:
			gqlErr.Extensions["code"] = CodeForbidden
			gqlErr.Message = kerr.Error()
		case kg.KindUnavailable:
			// The cause may name hosts or credentials' users: log it, do not
			// show it.
			logger.LogAttrs(ctx, slog.LevelWarn, "store unavailable", slog.String("path", gqlErr.Path.String()), slog.String("error", err.Error()))
			gqlErr.Extensions["code"] = CodeUnavailable
			gqlErr.Message = "the store is unavailable; try again later"
		default:
			return internal(ctx, logger, gqlErr, err)
		}
		return gqlErr
	}
}

func internal(ctx context.Context, logger *slog.Logger, gqlErr *gqlerror.Error, err error) *gqlerror.Error {
	logger.LogAttrs(ctx, slog.LevelError, "internal error", slog.String("path", gqlErr.Path.String()), slog.String("error", err.Error()))
	gqlErr.Message = "internal error"
	gqlErr.Extensions = map[string]any{"code": CodeInternal}
	return gqlErr
}

// argumentPath names where gqlgen was reading input when a scalar failed:
// the argument and input fields ("asOf", "entity.birthDate").
func argumentPath(ctx context.Context, e *gqlerror.Error) string {
	path := e.Path
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		if field := fc.Path(); len(field) <= len(path) && field.String() == path[:len(field)].String() {
			path = path[len(field):]
		}
	}
	var parts []string
	for _, el := range path {
		switch el := el.(type) {
		case ast.PathName:
			parts = append(parts, string(el))
		case ast.PathIndex:
			if len(parts) > 0 {
				parts[len(parts)-1] += fmt.Sprintf("[%d]", int(el))
			}
		}
	}
	return strings.Join(parts, ".")
}

func invalidMessage(kerr *kg.Error, problems []kg.Problem) string {
	var b strings.Builder
	if kerr.Op != "" {
		b.WriteString(kerr.Op)
		b.WriteString(": ")
	} else {
		b.WriteString("invalid input: ")
	}
	for i, p := range problems {
		if i > 0 {
			b.WriteString("; ")
		}
		switch {
		case strings.HasPrefix(p.Path, "$"): // a JSON path into a document
			b.WriteString(p.Path + ": ")
		case p.Path != "":
			fmt.Fprintf(&b, "argument %q: ", p.Path)
		}
		b.WriteString(p.Reason)
	}
	if len(problems) == 0 {
		b.WriteString("invalid input")
	}
	return b.String()
}

// RecoverFunc turns a panic in a resolver into an internal error, logged
// with its stack, instead of a crashed server.
func RecoverFunc(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		logger.LogAttrs(ctx, slog.LevelError, "panic in resolver", slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
		return kg.Internal("resolve", fmt.Errorf("panic: %v", p))
	}
}
