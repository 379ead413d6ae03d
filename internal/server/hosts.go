package server

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// HostPolicy decides which Host header values the server answers, against
// DNS rebinding: a page on attacker.example whose name is re-pointed at
// 127.0.0.1 reaches a loopback server with "Host: attacker.example", which
// is refused (421 HOST_NOT_ALLOWED).
//
// On a loopback bind, only loopback names and addresses are accepted
// (localhost, *.localhost, 127.0.0.0/8, ::1) plus Allowed. On any other
// bind, every Host is accepted unless Allowed is set, and then only those
// (and loopback ones).
type HostPolicy struct {
	Loopback bool     // the server listens on loopback only
	Allowed  []string // host names ("polgraph.example.org"), ".example.org" for its subdomains, or IP addresses
}

// NewHostPolicy builds the policy for a listen address ("127.0.0.1:8080").
func NewHostPolicy(addr string, allowed []string) HostPolicy {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	return HostPolicy{Loopback: IsLoopbackHost(host), Allowed: allowed}
}

// IsLoopbackHost reports whether a host name or address (no port) is
// loopback: localhost, a name under .localhost, 127.0.0.0/8 or ::1.
func IsLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// restricted reports whether the policy filters at all.
func (p HostPolicy) restricted() bool { return p.Loopback || len(p.Allowed) > 0 }

// Allows reports whether a request's Host (with or without port) is served.
func (p HostPolicy) Allows(hostport string) bool {
	if !p.restricted() {
		return true
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "" {
		return false
	}
	return IsLoopbackHost(host) || p.listed(host)
}

// listed reports whether host (lower case, no port) is in Allowed.
func (p HostPolicy) listed(host string) bool {
	for _, a := range p.Allowed {
		a = strings.TrimSuffix(strings.ToLower(strings.Trim(a, "[]")), ".")
		switch {
		case a == "":
		case strings.HasPrefix(a, "."):
			if strings.HasSuffix(host, a) || host == a[1:] {
				return true
			}
		case a == host:
			return true
		}
	}
	return false
}

// guardHosts refuses requests for a Host the policy does not allow, and
// requests that can change something (any method but GET, HEAD and
// OPTIONS) sent by a page of another origin. CORS stays closed: no
// Access-Control-Allow-* header is ever sent, so a browser never lets
// another origin read a response or send a JSON POST.
func guardHosts(p HostPolicy, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !p.Allows(r.Host) {
			writeError(w, http.StatusMisdirectedRequest, CodeHostNotAllowed,
				"this server does not answer for that Host; start it with --allowed-hosts to add names")
			return
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if o := r.Header.Get("Origin"); o != "" && !sameOrigin(o, r.Host, p) {
				writeError(w, http.StatusForbidden, CodeOriginNotAllowed, "requests from another site's pages are refused")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether an Origin header names the server itself (the
// request's Host) or a host the policy allows.
func sameOrigin(origin, host string, p HostPolicy) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false // includes "null"
	}
	if strings.EqualFold(u.Host, host) {
		return true
	}
	return p.listed(strings.TrimSuffix(strings.ToLower(u.Hostname()), "."))
}
