package kg

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Role is what an API key may do. Each role includes the ones before it:
// a reader reads, an editor also writes the graph, an admin also manages
// keys, reads the audit log and reverts writes.
type Role string

const (
	RoleReader Role = "reader"
	RoleEditor Role = "editor"
	RoleAdmin  Role = "admin"
)

// Roles lists the roles, weakest first.
var Roles = []Role{RoleReader, RoleEditor, RoleAdmin}

func (r Role) rank() int { return slices.Index(Roles, r) }

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return r.rank() >= 0 }

// Allows reports whether a holder of r may do what needs need. The empty
// role (no access) allows nothing.
func (r Role) Allows(need Role) bool { return r.Valid() && r.rank() >= need.rank() }

// ParseRole reads a role name, in any case.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", fmt.Errorf("unknown role %q; want one of reader, editor, admin", s)
	}
	return r, nil
}

// Principal is who makes a request: the name the audit log records (a
// key's name, "anonymous", "cli") and the role they act with. A Principal
// that is not Authenticated presented no credentials.
type Principal struct {
	Name          string
	Role          Role // "": no access at all
	Authenticated bool
	// WhileNoKeys marks a principal allowed to write only while the store
	// holds no active key (an anonymous request on a server that lets
	// anonymous requests write until the first key is created): its writes
	// carry AuditMeta.WhileNoKeys, and the store checks, inside the
	// write's transaction, that no key exists.
	WhileNoKeys bool
}

// Actor names the audit log gives to callers without a key of their own.
const (
	ActorAnonymous = "anonymous" // an HTTP request without a key
	ActorCLI       = "cli"       // polgraph's command line (directly or through a running server)
	ActorSystem    = "system"    // an in-process caller that set no principal
	ActorDemo      = "demo"      // serve --demo loading the demo dataset
)

// reservedNames cannot be key names, so the audit log never confuses a
// key with one of the actors above.
var reservedNames = []string{ActorAnonymous, ActorCLI, ActorSystem, ActorDemo}

type principalKey struct{}

// WithPrincipal returns ctx carrying p: Service authorises and attributes
// what is done with ctx to p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal ctx carries, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Authorize checks that ctx's principal may do what needs need and returns
// the name to record. A ctx without a principal is an in-process caller
// (a test, an importer run by the program itself): it is trusted and
// recorded as ActorSystem. Transports always set a principal.
func Authorize(ctx context.Context, op string, need Role) (string, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return ActorSystem, nil
	}
	if p.Role.Allows(need) {
		return p.Name, nil
	}
	if !p.Authenticated {
		return "", &Error{Op: op, Kind: KindUnauthenticated,
			Err: fmt.Errorf("this needs an API key with the %s role (send it as Authorization: Bearer KEY)", need)}
	}
	return "", &Error{Op: op, Kind: KindForbidden,
		Err: fmt.Errorf("key %q has the %s role; this needs %s", p.Name, roleOrNone(p.Role), need)}
}

// writeMeta is the audit meta of a write by ctx's principal, recorded as
// actor.
func writeMeta(ctx context.Context, actor, op string) *AuditMeta {
	p, _ := PrincipalFrom(ctx)
	return &AuditMeta{Actor: actor, Op: op, WhileNoKeys: p.WhileNoKeys}
}

// KeysExist is the error of a write allowed only while no key exists
// (AuditMeta.WhileNoKeys) when a key does: the store returns it from
// inside the write's transaction, so a key created at the same instant as
// the write cannot let it through.
func KeysExist(op string) error {
	return &Error{Op: op, Kind: KindUnauthenticated,
		Err: fmt.Errorf("an API key exists now, so writes without a key are no longer allowed: send an editor key as Authorization: Bearer KEY")}
}

func roleOrNone(r Role) string {
	if r == "" {
		return "no"
	}
	return string(r)
}

// APIKey is a stored API key. Only the SHA-256 of its secret is stored:
// the secret is shown once, when the key is created.
type APIKey struct {
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Hash      string    `json:"hash"` // hex SHA-256 of the secret
	Created   time.Time `json:"created"`
	CreatedBy string    `json:"createdBy"`
	Revoked   time.Time `json:"revoked,omitzero"` // zero while the key is active
	RevokedBy string    `json:"revokedBy,omitempty"`
}

// Active reports whether the key has not been revoked.
func (k *APIKey) Active() bool { return k.Revoked.IsZero() }

// KeyPrefix starts every secret, so that secret scanners and people can
// tell a polgraph key when they see one.
const KeyPrefix = "pgk_"

// NewSecret returns a fresh secret (32 random bytes) and its hash.
func NewSecret() (secret, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", Internal("createKey", err)
	}
	secret = KeyPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret), nil
}

// HashSecret is what a store keeps of a secret.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

var keyNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// ValidateKeyName checks a key name: 1 to 64 letters, digits and . _ @ -,
// starting with a letter or digit, not one of the actor names the audit log
// uses for callers without a key.
func ValidateKeyName(name string) []Problem {
	var p problems
	switch {
	case !keyNameRE.MatchString(name):
		p.add("name", "%q is not a key name: 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit", name)
	case slices.Contains(reservedNames, strings.ToLower(name)):
		p.add("name", "%q is reserved for the audit log; choose another name", name)
	}
	return p.list
}

// KeyStore keeps API keys. Keys are never deleted: a revoked key keeps its
// name, so that the audit log's names stay unambiguous.
type KeyStore interface {
	// CreateKey stores a new key and records a "createKey" entry in the
	// audit log, in one transaction. A name already used, by an active or
	// a revoked key, is KindConflict.
	CreateKey(ctx context.Context, k APIKey, audit AuditMeta) error
	// KeyByHash returns the key whose secret hashes to hash, revoked or
	// not; KindNotFound when there is none.
	KeyByHash(ctx context.Context, hash string) (APIKey, error)
	// ListKeys returns every key, revoked ones included, by name.
	ListKeys(ctx context.Context) ([]APIKey, error)
	// RevokeKey marks the named key revoked (Revoked and RevokedBy from
	// audit) and records a "revokeKey" entry, in one transaction, and
	// returns it. KindNotFound when there is no such key; KindConflict when
	// it is revoked already.
	RevokeKey(ctx context.Context, name string, audit AuditMeta) (APIKey, error)
	// ActiveKeys counts the keys that are not revoked.
	ActiveKeys(ctx context.Context) (int, error)
	// ImportKeys stores keys exactly as given (hash, times, revocation),
	// as a copy between stores does, with no audit record (the copied
	// log holds the originals): a key whose name is stored with the same
	// hash is replaced (so a revocation made since arrives); a name stored
	// with another hash, or a hash stored under another name, is
	// KindConflict, and nothing is written.
	ImportKeys(ctx context.Context, keys []APIKey) error
}

// Authenticate returns the principal a secret stands for: the key's name
// and role. An unknown or revoked secret is KindUnauthenticated.
func (s *Service) Authenticate(ctx context.Context, secret string) (Principal, error) {
	const op = "authenticate"
	bad := &Error{Op: op, Kind: KindUnauthenticated, Err: fmt.Errorf("the API key is not valid (unknown or revoked)")}
	if secret == "" || len(secret) > 200 {
		return Principal{}, bad
	}
	k, err := s.store.KeyByHash(ctx, HashSecret(secret))
	if IsNotFound(err) {
		return Principal{}, bad
	}
	if err != nil {
		return Principal{}, err
	}
	if !k.Active() || !k.Role.Valid() {
		return Principal{}, bad
	}
	return Principal{Name: k.Name, Role: k.Role, Authenticated: true}, nil
}

// CreateKey creates a key (admin only) and returns it with its secret,
// which is not stored and cannot be shown again.
func (s *Service) CreateKey(ctx context.Context, name string, role Role) (APIKey, string, error) {
	const op = "createKey"
	actor, err := Authorize(ctx, op, RoleAdmin)
	if err != nil {
		return APIKey{}, "", err
	}
	p := problems{list: ValidateKeyName(name)}
	if !role.Valid() {
		p.add("role", "unknown role %q; want one of reader, editor, admin", role)
	}
	if err := p.err(op); err != nil {
		return APIKey{}, "", err
	}
	secret, hash, err := NewSecret()
	if err != nil {
		return APIKey{}, "", err
	}
	k := APIKey{Name: name, Role: role, Hash: hash, Created: time.Now().UTC(), CreatedBy: actor}
	if err := s.store.CreateKey(ctx, k, AuditMeta{Actor: actor, Op: op}); err != nil {
		return APIKey{}, "", err
	}
	return k, secret, nil
}

// ListKeys lists every key (admin only).
func (s *Service) ListKeys(ctx context.Context) ([]APIKey, error) {
	if _, err := Authorize(ctx, "keys", RoleAdmin); err != nil {
		return nil, err
	}
	return s.store.ListKeys(ctx)
}

// RevokeKey revokes a key (admin only): requests with it fail from then on.
func (s *Service) RevokeKey(ctx context.Context, name string) (APIKey, error) {
	const op = "revokeKey"
	actor, err := Authorize(ctx, op, RoleAdmin)
	if err != nil {
		return APIKey{}, err
	}
	if name == "" {
		return APIKey{}, Invalidf(op, "name", "must not be empty")
	}
	return s.store.RevokeKey(ctx, name, AuditMeta{Actor: actor, Op: op})
}

// ActiveKeys counts the active keys (the server's anonymous-write policy
// depends on whether there are any).
func (s *Service) ActiveKeys(ctx context.Context) (int, error) { return s.store.ActiveKeys(ctx) }
