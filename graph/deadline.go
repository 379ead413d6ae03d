package graph

import (
	"context"
	"errors"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// ErrRequestTimeout is the cause of an operation context that ran out of
// its execution time (Deadlines).
var ErrRequestTimeout = errors.New("the request ran out of time")

// Deadlines bound the execution of one operation: a query may run for
// Query, a mutation (which may write a whole dossier) for Mutation. When
// the time is up the operation's context is cancelled with
// ErrRequestTimeout as the cause, so the stores stop what they were doing
// (an unfinished write is rolled back whole), and the response is one
// TIMEOUT error. A client that disconnects cancels the context too
// (net/http does), so abandoned work stops as well; its response, one
// CANCELLED error, goes nowhere.
type Deadlines struct {
	Query, Mutation time.Duration
}

// Around is the AroundResponses middleware that applies the deadlines:
// gqlgen executes an operation inside its response handler.
func (d Deadlines) Around(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	limit := d.Query
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Mutation {
			limit = d.Mutation
		}
	}
	if limit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, limit, ErrRequestTimeout)
		defer cancel()
	}
	return DeadlineResponse(ctx, next)
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
	flag := "--request-timeout"
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Mutation {
			flag = "--write-timeout"
		}
	}
	return limitError(CodeTimeout, "the request ran out of time; ask for less (smaller pages, fewer hops) or raise %s", flag)
}
