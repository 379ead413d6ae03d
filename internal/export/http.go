package export

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// Handler serves GET /export:
//
//	/export?format=graphml&seed=ID&seed=ID2&depth=2&types=MEMBER_OF,LEADS&asOf=2022-01-01&limit=500
//
// Without seed the whole graph is exported (types and asOf then filter the
// relationships). The format may also be chosen by the Accept header. Bad
// parameters are 400 with a JSON error naming the parameter, an unknown
// seed is 404. The body streams; an error after the first byte is logged
// and aborts the response, so a client sees a truncated transfer rather
// than a file that looks complete.
func Handler(svc *kg.Service, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.Default()
	}
	return &handler{svc: svc, log: logger}
}

type handler struct {
	svc *kg.Service
	log *slog.Logger
}

// httpParams are the query parameters Handler accepts.
var httpParams = []string{"format", "seed", "depth", "types", "asOf", "limit"}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "", "method "+r.Method+" is not allowed; use GET")
		return
	}
	q := r.URL.Query()
	f, sel, err := parseQuery(q, r.Header.Get("Accept"))
	if err == nil {
		var x *Export
		x, err = Prepare(r.Context(), h.svc, sel)
		if err == nil {
			h.serve(w, r, f, x)
			return
		}
	}
	if errors.Is(r.Context().Err(), context.DeadlineExceeded) {
		h.log.Warn("export stopped at its deadline (serve --export-timeout)")
		writeError(w, http.StatusServiceUnavailable, "", "the export ran past its deadline; ask for less (seed, depth, limit) or raise serve --export-timeout")
		return
	}
	h.fail(w, err)
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request, f *Format, x *Export) {
	w.Header().Set("Content-Type", f.MIME())
	w.Header().Set("Content-Disposition", `attachment; filename="`+Filename(x.Meta().Selection, f)+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodHead {
		return
	}
	if err := x.WriteTo(r.Context(), f.New(w), nil); err != nil {
		switch cerr := r.Context().Err(); {
		case errors.Is(cerr, context.DeadlineExceeded):
			h.log.Warn("export stopped at its deadline (serve --export-timeout)", "format", f.Name)
		case cerr != nil:
			// The client went away: not a failure of the export or the store.
			h.log.Debug("export abandoned by the client", "format", f.Name)
		default:
			h.log.Error("export failed mid-stream", "format", f.Name, "err", err)
		}
		panic(http.ErrAbortHandler)
	}
}

func (h *handler) fail(w http.ResponseWriter, err error) {
	switch kg.KindOf(err) {
	case kg.KindInvalid:
		probs := kg.ProblemsOf(err)
		param, msg := "", err.Error()
		if len(probs) > 0 {
			param, msg = paramName(probs[0].Path), probs[0].Reason
		}
		writeError(w, http.StatusBadRequest, param, msg)
	case kg.KindNotFound:
		var e *kg.Error
		msg := "not found"
		param := "seed"
		if p := kg.ProblemsOf(err); len(p) > 0 {
			msg = p[0].Reason
		} else if ok := asError(err, &e); ok && e.ID != "" {
			msg = "no entity with id " + strconv.Quote(e.ID)
		}
		writeError(w, http.StatusNotFound, param, msg)
	case kg.KindUnavailable:
		h.log.Warn("export: store unavailable", "err", err)
		writeError(w, http.StatusServiceUnavailable, "", "the store is unavailable; try again")
	default:
		h.log.Error("export failed", "err", err)
		writeError(w, http.StatusInternalServerError, "", "internal error")
	}
}

// paramName maps a problem path of the selection ("seeds[1]", "types[0]")
// to the query parameter it came from.
func paramName(path string) string {
	base := path
	if i := strings.IndexAny(base, "[."); i >= 0 {
		base = base[:i]
	}
	if base == "seeds" {
		return "seed"
	}
	return base
}

func writeError(w http.ResponseWriter, status int, param, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Disposition")
	w.WriteHeader(status)
	body := map[string]any{"message": msg, "status": status}
	if param != "" {
		body["parameter"] = param
	}
	json.NewEncoder(w).Encode(map[string]any{"error": body})
}

// parseQuery reads the format and the selection from the query string.
func parseQuery(q url.Values, accept string) (*Format, Selection, error) {
	const op = "export"
	var sel Selection
	var probs []kg.Problem
	bad := func(param, reason string) { probs = append(probs, kg.Problem{Path: param, Reason: reason}) }
	known := map[string]bool{}
	for _, p := range httpParams {
		known[p] = true
	}
	var unknown []string
	for k := range q {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		bad(k, "unknown parameter; want one of "+strings.Join(httpParams, ", "))
	}

	var f *Format
	if v := q.Get("format"); v != "" {
		var ok bool
		if f, ok = Lookup(v); !ok {
			bad("format", unknownFormat(op, "format", v).(*kg.Error).Problems[0].Reason)
		}
	} else if f = fromAccept(accept); f == nil {
		bad("format", "missing; give format="+strings.Join(Names(), "|")+" or an Accept header naming one of their MIME types")
	}
	for _, v := range q["seed"] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				sel.Seeds = append(sel.Seeds, s)
			}
		}
	}
	intParam := func(name string) *int {
		v := q.Get(name)
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			bad(name, strconv.Quote(v)+" is not an integer")
			return nil
		}
		return &n
	}
	sel.Depth = intParam("depth")
	sel.Limit = intParam("limit")
	for _, v := range q["types"] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			t, err := kg.ParseRelType(strings.ToUpper(s))
			if err != nil {
				bad("types", err.Error())
				continue
			}
			sel.Types = append(sel.Types, t)
		}
	}
	if v := q.Get("asOf"); v != "" {
		d, err := kg.ParseDate(v)
		if err != nil {
			bad("asOf", err.Error())
		}
		sel.AsOf = d
	}
	if len(probs) > 0 {
		return nil, sel, kg.Invalid(op, probs...)
	}
	return f, sel, nil
}

// fromAccept picks the format an Accept header prefers, or nil. Wildcards
// choose nothing: a browser's "*/*" is not a request for a format.
func fromAccept(accept string) *Format {
	type choice struct {
		f *Format
		q float64
		i int
	}
	var cs []choice
	for i, part := range strings.Split(accept, ",") {
		mt, params, err := mimeParse(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if x, err := strconv.ParseFloat(v, 64); err == nil {
				q = x
			}
		}
		if f, ok := ByMIME(mt); ok && q > 0 {
			cs = append(cs, choice{f, q, i})
		}
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].q > cs[b].q })
	if len(cs) == 0 {
		return nil
	}
	return cs[0].f
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Filename is the file name an export is offered under:
// polgraph-<first seed>[-and-N-more].<ext>, or polgraph-graph.<ext>.
func Filename(sel Selection, f *Format) string {
	base := "polgraph-graph"
	if !sel.Whole() {
		s := unsafeName.ReplaceAllString(sel.Seeds[0], "_")
		if len(s) > 60 {
			s = s[:60]
		}
		base = "polgraph-" + s
		if n := len(sel.Seeds) - 1; n > 0 {
			base += "-and-" + strconv.Itoa(n) + "-more"
		}
	}
	return base + f.Ext()
}

func mimeParse(s string) (string, map[string]string, error) { return mime.ParseMediaType(s) }

func asError(err error, target **kg.Error) bool { return errors.As(err, target) }
