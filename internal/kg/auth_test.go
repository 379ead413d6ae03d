package kg

import (
	"context"
	"testing"
)

func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		have, need Role
		ok         bool
	}{
		{RoleReader, RoleReader, true}, {RoleReader, RoleEditor, false}, {RoleReader, RoleAdmin, false},
		{RoleEditor, RoleReader, true}, {RoleEditor, RoleEditor, true}, {RoleEditor, RoleAdmin, false},
		{RoleAdmin, RoleAdmin, true}, {"", RoleReader, false}, {"root", RoleReader, false},
	} {
		if got := tc.have.Allows(tc.need); got != tc.ok {
			t.Errorf("%q.Allows(%q) = %v, want %v", tc.have, tc.need, got, tc.ok)
		}
	}
	if r, err := ParseRole(" Editor "); err != nil || r != RoleEditor {
		t.Errorf("ParseRole(Editor) = %q, %v", r, err)
	}
	if _, err := ParseRole("boss"); err == nil {
		t.Error("ParseRole(boss) succeeded")
	}
}

func TestValidateKeyName(t *testing.T) {
	for name, ok := range map[string]bool{
		"alice": true, "ci-bot.2024": true, "a@example.org": true, "A_1": true,
		"": false, "-x": false, "has space": false, "x\x00": false, "anonymous": false, "CLI": false, "demo": false,
		"a1234567890123456789012345678901234567890123456789012345678901234": false,
	} {
		if got := len(ValidateKeyName(name)) == 0; got != ok {
			t.Errorf("ValidateKeyName(%q) ok = %v, want %v", name, got, ok)
		}
	}
}

func TestAuthorize(t *testing.T) {
	ctx := context.Background()
	if who, err := Authorize(ctx, "op", RoleAdmin); err != nil || who != ActorSystem {
		t.Errorf("without a principal: %q, %v; want the trusted in-process caller", who, err)
	}
	for _, tc := range []struct {
		p    Principal
		need Role
		kind ErrorKind
		ok   bool
	}{
		{Principal{Name: ActorAnonymous}, RoleReader, KindUnauthenticated, false},
		{Principal{Name: ActorAnonymous, Role: RoleReader}, RoleEditor, KindUnauthenticated, false},
		{Principal{Name: ActorAnonymous, Role: RoleEditor}, RoleEditor, 0, true},
		{Principal{Name: "rita", Role: RoleReader, Authenticated: true}, RoleEditor, KindForbidden, false},
		{Principal{Name: "ed", Role: RoleEditor, Authenticated: true}, RoleAdmin, KindForbidden, false},
		{Principal{Name: "ada", Role: RoleAdmin, Authenticated: true}, RoleAdmin, 0, true},
	} {
		who, err := Authorize(WithPrincipal(ctx, tc.p), "op", tc.need)
		switch {
		case tc.ok && (err != nil || who != tc.p.Name):
			t.Errorf("%+v needing %s: %q, %v", tc.p, tc.need, who, err)
		case !tc.ok && KindOf(err) != tc.kind:
			t.Errorf("%+v needing %s: %v, want kind %v", tc.p, tc.need, err, tc.kind)
		}
	}
}

func TestNewWriteRecordSkipsUnchanged(t *testing.T) {
	same := Entity{ID: "a", Kind: Person, Name: "A"}
	old := Entity{ID: "b", Kind: Person, Name: "B"}
	changed := Entity{ID: "b", Kind: Person, Name: "B2", Aliases: []string{}}
	st := Stored{Entities: map[string]*Entity{"a": {ID: "a", Kind: Person, Name: "A", Aliases: []string{}}, "b": &old}}
	rec, ok := NewWriteRecord(AuditMeta{Actor: "x", Op: "y"}, st, Decision{Entities: []Entity{same, changed}})
	if !ok || len(rec.Entities) != 1 || rec.Entities[0].ID != "b" || rec.Entities[0].Before.Name != "B" || rec.Entities[0].After.Name != "B2" {
		t.Errorf("record = %+v", rec)
	}
	if _, ok := NewWriteRecord(AuditMeta{}, st, Decision{Entities: []Entity{same}}); ok {
		t.Error("a write that changes nothing was recorded")
	}
	if _, err := RevertReadsOf("revertWrite", &AuditRecord{ID: "k", Op: "createKey", Key: &KeyRef{Name: "x"}}); KindOf(err) != KindInvalid {
		t.Errorf("reverting a key operation: %v", err)
	}
}
