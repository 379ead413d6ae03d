package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/local"
	"github.com/polgraph/polgraph/internal/server"
)

// remote is a running polgraph serve on the configured data directory,
// called through its HTTP API with the local admin token (package local).
type remote struct {
	url, token string
	pid        int
	hc         *http.Client
}

// remoteServer returns the server running on the configured embedded data
// directory, or nil when there is none (no server file, or one left by a
// server that is gone: the store is then opened directly).
func (env *Env) remoteServer(ctx context.Context) (*remote, error) {
	dir, ok := env.embeddedDir()
	if !ok {
		return nil, nil
	}
	return env.remoteServerAt(ctx, dir)
}

// remoteServerAt returns the server running on the data directory dir, or
// nil when there is none.
// serverOrService returns the server running on the data directory, or,
// when there is none, the service over the store opened directly, with ctx
// made the command line's (admin) and done closing the store (keeping the
// first error in *err).
func (env *Env) serverOrService(ctx context.Context) (rm *remote, svc *kg.Service, _ context.Context, done func(*error), err error) {
	done = func(*error) {}
	if rm, err = env.remoteServer(ctx); err != nil || rm != nil {
		return rm, nil, ctx, done, err
	}
	svc, store, err := env.OpenService(ctx)
	if err != nil {
		return nil, nil, ctx, done, err
	}
	return nil, svc, asCLI(ctx), func(err *error) { closeStore(store, err) }, nil
}

func (env *Env) remoteServerAt(ctx context.Context, dir string) (*remote, error) {
	s, err := local.Read(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r := &remote{url: strings.TrimSuffix(s.URL, "/"), token: s.Token, pid: s.PID, hc: &http.Client{}}
	if err := r.verify(ctx); err != nil {
		env.Logger.Debug("server file names no running server; opening the store directly",
			slog.String("url", s.URL), slog.String("error", err.Error()))
		return nil, nil
	}
	env.Logger.Debug("going through the running server", slog.String("url", s.URL))
	return r, nil
}

// verify checks that the server at r.url holds the token, without sending
// it: the server must answer a random challenge with its HMAC.
func (r *remote) verify(ctx context.Context) error {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	challenge := hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url+"/local/proof?challenge="+challenge, nil)
	if err != nil {
		return err
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	proof, err := io.ReadAll(io.LimitReader(resp.Body, 256))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || string(proof) != server.LocalProof(r.token, challenge) {
		return fmt.Errorf("%s did not prove it holds the data directory's token (status %d)", r.url, resp.StatusCode)
	}
	return nil
}

// graphql runs one operation; GraphQL errors come back as kg errors of the
// kind their extensions.code names, so that the command fails as it would
// have on the store directly.
func (r *remote) graphql(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+r.token)
	resp, err := r.hc.Do(req)
	if err != nil {
		return kg.Unavailable("server", err)
	}
	defer resp.Body.Close()
	var res struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code     string       `json:"code"`
				ID       string       `json:"id"`
				Problems []kg.Problem `json:"problems"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return kg.Internal("server", fmt.Errorf("%s/graphql answered status %d, not GraphQL: %w", r.url, resp.StatusCode, err))
	}
	if len(res.Errors) > 0 {
		e := res.Errors[0]
		kerr := &kg.Error{Kind: kindOfCode(e.Extensions.Code), ID: e.Extensions.ID, Problems: e.Extensions.Problems}
		if len(kerr.Problems) == 0 {
			kerr.Err = errors.New(e.Message)
		}
		return kerr
	}
	if out != nil {
		if err := json.Unmarshal(res.Data, out); err != nil {
			return kg.Internal("server", err)
		}
	}
	return nil
}

// get sends GET path?q and returns the response of a 200; any other status
// is an error carrying the server's message.
func (r *remote) get(ctx context.Context, path string, q url.Values) (*http.Response, error) {
	u := r.url + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, kg.Unavailable("server", err)
	}
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	defer resp.Body.Close()
	// Errors outside GraphQL are {"error": {"message", "status", "parameter"}}.
	var body struct {
		Error struct {
			Message   string `json:"message"`
			Parameter string `json:"parameter"`
		} `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	e := &body.Error
	if json.Unmarshal(raw, &body) != nil || e.Message == "" {
		e.Message = strings.TrimSpace(string(raw))
	}
	kind := kg.KindInternal
	switch resp.StatusCode {
	case http.StatusBadRequest:
		return nil, kg.Invalid(path, kg.Problem{Path: e.Parameter, Reason: e.Message})
	case http.StatusNotFound:
		kind = kg.KindNotFound
	case http.StatusUnauthorized:
		kind = kg.KindUnauthenticated
	case http.StatusForbidden:
		kind = kg.KindForbidden
	case http.StatusServiceUnavailable:
		kind = kg.KindUnavailable
	}
	return nil, &kg.Error{Op: path, Kind: kind, Err: errors.New(e.Message)}
}

func kindOfCode(code string) kg.ErrorKind {
	switch code {
	case "BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED":
		return kg.KindInvalid
	case "NOT_FOUND":
		return kg.KindNotFound
	case "CONFLICT":
		return kg.KindConflict
	case "UNAVAILABLE":
		return kg.KindUnavailable
	case "UNAUTHENTICATED":
		return kg.KindUnauthenticated
	case "FORBIDDEN":
		return kg.KindForbidden
	}
	return kg.KindInternal
}
