package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/polgraph/polgraph/graph"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// AnonymousWrites says when a request without a key may write.
type AnonymousWrites int

const (
	// AnonymousWritesNever: every write needs an editor key. The zero value.
	AnonymousWritesNever AnonymousWrites = iota
	// AnonymousWritesWithoutKeys: anonymous requests may write while the
	// store holds no active key (polgraph serve's default on a loopback
	// bind, so that a fresh demo works); the first key ends it.
	AnonymousWritesWithoutKeys
	// AnonymousWritesAlways: anonymous requests may write
	// (--allow-anonymous-writes).
	AnonymousWritesAlways
)

// Auth decides who a request is and what it may do. Keys are sent as
// Authorization: Bearer KEY and checked against the store (kg.Service).
type Auth struct {
	// ReadsNeedKey makes queries and exports need a key with the reader
	// role; otherwise anonymous requests may read.
	ReadsNeedKey bool
	// AnonymousWrites says when anonymous requests may also write.
	AnonymousWrites AnonymousWrites
	// LocalToken, when set, is a secret that authenticates as the command
	// line (kg.ActorCLI, admin): polgraph serve writes it, readable only by
	// its owner, into the data directory so that polgraph keys, ingest and
	// export work through the running server.
	LocalToken string
}

// authenticator sets each request's principal (kg.WithPrincipal). A key
// that is sent but not valid is refused outright (401), even where reads
// are open: a client that means to use a key must learn that it does not
// work.
type authenticator struct {
	svc  *kg.Service
	auth Auth
	log  *slog.Logger
}

func (a *authenticator) principal(r *http.Request) (kg.Principal, error) {
	const op = "authenticate"
	h := r.Header.Get("Authorization")
	if h == "" {
		p := kg.Principal{Name: kg.ActorAnonymous}
		if !a.auth.ReadsNeedKey || a.auth.AnonymousWrites == AnonymousWritesAlways {
			p.Role = kg.RoleReader
		}
		if a.auth.AnonymousWrites == AnonymousWritesAlways {
			p.Role = kg.RoleEditor
		}
		return p, nil
	}
	scheme, secret, ok := strings.Cut(h, " ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return kg.Principal{}, &kg.Error{Op: op, Kind: kg.KindUnauthenticated,
			Err: errors.New("send the API key as Authorization: Bearer KEY")}
	}
	if t := a.auth.LocalToken; t != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(t)) == 1 {
		return kg.Principal{Name: kg.ActorCLI, Role: kg.RoleAdmin, Authenticated: true}, nil
	}
	return a.svc.Authenticate(r.Context(), secret)
}

// mayWriteAnonymously reports whether an anonymous request may write now.
func (a *authenticator) mayWriteAnonymously(ctx context.Context) (bool, error) {
	switch a.auth.AnonymousWrites {
	case AnonymousWritesAlways:
		return true, nil
	case AnonymousWritesWithoutKeys:
		n, err := a.svc.ActiveKeys(ctx)
		return n == 0, err
	}
	return false, nil
}

// middleware sets the principal of every request that has none yet, and
// requires readers for the data routes outside GraphQL (/export, /audit).
func (a *authenticator) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := kg.PrincipalFrom(r.Context()); ok {
			next.ServeHTTP(w, r)
			return
		}
		p, err := a.principal(r)
		if err != nil {
			a.refuse(w, r, err)
			return
		}
		ctx := kg.WithPrincipal(r.Context(), p)
		if r.URL.Path == "/export" {
			if _, err := kg.Authorize(ctx, "export", kg.RoleReader); err != nil {
				a.refuse(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// refuse answers a request that may not go on: 401 (with the
// WWW-Authenticate challenge), 403, or 503 when keys cannot be checked.
// /graphql gets a GraphQL response, other routes a JSON error.
func (a *authenticator) refuse(w http.ResponseWriter, r *http.Request, err error) {
	status, code := http.StatusInternalServerError, graph.CodeInternal
	msg := "internal error"
	switch kg.KindOf(err) {
	case kg.KindUnauthenticated:
		status, code, msg = http.StatusUnauthorized, graph.CodeUnauthenticated, err.Error()
		w.Header().Set("WWW-Authenticate", `Bearer realm="polgraph"`)
	case kg.KindForbidden:
		status, code, msg = http.StatusForbidden, graph.CodeForbidden, err.Error()
	case kg.KindUnavailable:
		status, code, msg = http.StatusServiceUnavailable, graph.CodeUnavailable, "the store is unavailable; try again later"
		a.log.Warn("authentication: store unavailable", slog.String("error", err.Error()))
	default:
		a.log.Error("authentication failed", slog.String("error", err.Error()))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	var body any
	if r.URL.Path == "/graphql" {
		body = map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}}}
	} else {
		body = map[string]any{"error": map[string]any{"message": msg, "status": status, "code": code}} // as /export's errors
	}
	_ = json.NewEncoder(w).Encode(body)
}

// aroundOperations checks each GraphQL operation against the principal's
// role before anything runs: a query needs a reader, a mutation an editor
// (an anonymous request may be allowed to write, see AnonymousWrites). The
// Service checks again (and admin-only operations there), so a mutation
// refused here never reaches a resolver and writes nothing.
func (a *authenticator) aroundOperations(present graphql.ErrorPresenterFunc) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		need := kg.RoleReader
		if oc.Operation != nil && oc.Operation.Operation == ast.Mutation {
			need = kg.RoleEditor
		}
		p, ok := kg.PrincipalFrom(ctx)
		if !ok {
			// The middleware always runs first; without it, refuse.
			p = kg.Principal{Name: kg.ActorAnonymous}
			ctx = kg.WithPrincipal(ctx, p)
		}
		fail := func(err error) graphql.ResponseHandler {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{present(ctx, err)}})
		}
		if !p.Authenticated && !p.Role.Allows(need) && need == kg.RoleEditor {
			may, err := a.mayWriteAnonymously(ctx)
			if err != nil {
				return fail(err)
			}
			if may {
				// The store checks again inside each write's transaction
				// (WhileNoKeys): a key created since this check stops it.
				p.Role = kg.RoleEditor
				p.WhileNoKeys = a.auth.AnonymousWrites == AnonymousWritesWithoutKeys
				ctx = kg.WithPrincipal(ctx, p)
			}
		}
		if _, err := kg.Authorize(ctx, "graphql", need); err != nil {
			return fail(err)
		}
		return next(ctx)
	}
}

// localProof answers GET /local/proof?challenge=C with the HMAC-SHA256 of
// C under the local token, so that the command line can check it talks to
// the server that wrote the data directory's server file before it sends
// the token.
func localProof(token string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := r.URL.Query().Get("challenge")
		if token == "" || len(c) < 16 || len(c) > 128 {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(LocalProof(token, c)))
	}
}

// LocalProof is the proof that a server holds token, for challenge.
func LocalProof(token, challenge string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte(challenge))
	return hex.EncodeToString(m.Sum(nil))
}
