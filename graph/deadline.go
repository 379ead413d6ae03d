package graph

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// ErrRequestTimeout is the cause of a request context that ran out of its
// execution time (WithDeadline).
var ErrRequestTimeout = errors.New("the request ran out of time")

// WithDeadline gives every request at most d to run: its context is
// cancelled then, with ErrRequestTimeout as the cause, so the stores stop
// the work they were doing. A client that disconnects cancels the context
// too (net/http does), so abandoned work stops as well.
func WithDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeoutCause(r.Context(), d, ErrRequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// ended classifies a context that is done: TIMEOUT when WithDeadline's
// time ran out, CANCELLED when the client went away; "" while it runs.
func ended(ctx context.Context) string {
	if ctx.Err() == nil {
		return ""
	}
	if errors.Is(context.Cause(ctx), ErrRequestTimeout) {
		return CodeTimeout
	}
	return CodeCancelled
}

// DeadlineResponse is an AroundResponses middleware: a response whose
// request ran out of time becomes one TIMEOUT error (no partial data and
// none of the errors of the fields the deadline cut short), and one whose
// client went away becomes one CANCELLED error, which nobody reads.
func DeadlineResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	switch ended(ctx) {
	case CodeTimeout:
		return &graphql.Response{Errors: gqlerror.List{timeoutError(ctx)}}
	case CodeCancelled:
		return &graphql.Response{Errors: gqlerror.List{limitError(CodeCancelled, "the request was cancelled")}}
	}
	return resp
}

func timeoutError(ctx context.Context) *gqlerror.Error {
	msg := "the request ran out of time"
	if dl, ok := ctx.Deadline(); ok {
		if start := graphql.GetStartTime(ctx); !start.IsZero() {
			msg += " (" + dl.Sub(start).Round(time.Millisecond).String() + ")"
		}
	}
	return limitError(CodeTimeout, "%s; ask for less (smaller pages, fewer hops) or raise --request-timeout", msg)
}
