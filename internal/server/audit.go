package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/polgraph/polgraph/internal/kg"
)

// auditExport serves GET /audit (admin): the audit log as JSON lines, one
// kg.AuditRecord per line, oldest first, filtered by the query parameters
// entity, actor and since (RFC 3339), as auditLog takes them.
func auditExport(svc *kg.Service, a *authenticator) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if _, err := kg.Authorize(ctx, "audit", kg.RoleAdmin); err != nil {
			a.refuse(w, r, err)
			return
		}
		q := kg.AuditQuery{Entity: r.URL.Query().Get("entity"), Actor: r.URL.Query().Get("actor")}
		if s := r.URL.Query().Get("since"); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": "since: " + s + " is not an RFC 3339 time (2024-05-01T12:00:00Z)",
					"status": http.StatusBadRequest, "parameter": "since", "code": "BAD_USER_INPUT"}})
				return
			}
			q.Since = t
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Content-Disposition", `attachment; filename="polgraph-audit.jsonl"`)
		enc := json.NewEncoder(w)
		started := false
		err := svc.ScanAudit(ctx, q, func(rec kg.AuditRecord) error {
			started = true
			return enc.Encode(&rec)
		})
		if err != nil {
			if !started {
				a.refuse(w, r, err)
				return
			}
			a.log.Error("audit export failed mid-stream", slog.String("error", err.Error()))
			panic(http.ErrAbortHandler)
		}
	}
}
