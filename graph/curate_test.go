package graph_test

import (
	"context"
	"slices"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
)

const (
	deleteRelationship = `mutation($id: ID!) { deleteRelationship(id: $id) { deletedEntities deletedRelationships updatedRelationships { id } } }`
	deleteEntity       = `mutation($id: ID!) { deleteEntity(id: $id) { deletedEntities deletedRelationships } }`
	removeEvidence     = `mutation($r: ID!, $a: ID!, $q: String) { removeEvidence(relationship: $r, article: $a, quote: $q) { id sources evidence { quote } } }`
	retractArticle     = `mutation($a: ID!, $keep: Boolean) { retractArticle(article: $a, keepUnsupported: $keep) {
		deletedRelationships updatedRelationships { id sources } unsupportedRelationships { id sources } } }`
)

type removalResult struct {
	DeletedEntities, DeletedRelationships []string
	UpdatedRelationships                  []struct {
		ID      string
		Sources int
	}
	UnsupportedRelationships []struct {
		ID      string
		Sources int
	}
}

func TestCurationMutations(t *testing.T) {
	e := newEnv(t, true, func(o *server.Options) { o.Auth = server.Auth{AnonymousWrites: server.AnonymousWritesWithoutKeys} })
	reader, editor, admin := e.key("rita", kg.RoleReader), e.key("ed", kg.RoleEditor), e.key("ada", kg.RoleAdmin)
	ctx := context.Background()

	// A relationship of Jane's with two pieces of evidence.
	var up struct{ UpsertRelationship struct{ ID string } }
	e.okAs(editor, `mutation { upsertEntity(entity: {id: "jane-doe", kind: PERSON, name: "Jane Doe"}) { id } }`, nil, nil)
	e.okAs(editor, `mutation { upsertRelationship(relationship: {type: MEMBER_OF, from: "jane-doe", to: "liberal-party",
		evidence: [{article: "article", quote: "one"}, {article: "article", quote: "two"}]}) { id } }`, nil, &up)
	relID := up.UpsertRelationship.ID

	// Every curation mutation needs an editor: a reader writes nothing.
	writes := e.writes()
	for _, m := range []struct {
		q    string
		vars map[string]any
	}{
		{deleteRelationship, map[string]any{"id": relID}},
		{deleteEntity, map[string]any{"id": "jane-doe"}},
		{removeEvidence, map[string]any{"r": relID, "a": "article", "q": "one"}},
		{retractArticle, map[string]any{"a": "article"}},
	} {
		e.failsAs(reader, m.q, m.vars, "FORBIDDEN")
		e.failsAs("", m.q, m.vars, "UNAUTHENTICATED")
	}
	if e.writes() != writes {
		t.Fatal("a refused curation mutation wrote something")
	}

	// removeEvidence takes one piece off; the relationship stays.
	var rm struct {
		RemoveEvidence struct {
			ID       string
			Sources  int
			Evidence []struct{ Quote string }
		}
	}
	e.okAs(editor, removeEvidence, map[string]any{"r": relID, "a": "article", "q": "one"}, &rm)
	if got := rm.RemoveEvidence; got.ID != relID || len(got.Evidence) != 1 || got.Evidence[0].Quote != "two" {
		t.Errorf("removeEvidence = %+v", got)
	}
	if g := e.failsAs(editor, removeEvidence, map[string]any{"r": relID, "a": "article", "q": "one"}, "NOT_FOUND"); g.Message == "" {
		t.Error("NOT_FOUND without a message")
	}
	if rec := lastWrite(t, e); rec.Actor != "ed" || rec.Op != "removeEvidence" || len(rec.Relationships) != 1 {
		t.Errorf("removeEvidence recorded as %+v", rec)
	}

	// deleteRelationship, then once more: NOT_FOUND.
	var dr struct{ DeleteRelationship removalResult }
	e.okAs(editor, deleteRelationship, map[string]any{"id": relID}, &dr)
	if got := dr.DeleteRelationship; !slices.Equal(got.DeletedRelationships, []string{relID}) || len(got.DeletedEntities) != 0 {
		t.Errorf("deleteRelationship = %+v", got)
	}
	e.failsAs(editor, deleteRelationship, map[string]any{"id": relID}, "NOT_FOUND")
	if rec := lastWrite(t, e); rec.Op != "deleteRelationship" || len(rec.Relationships) != 1 || rec.Relationships[0].Before == nil || rec.Relationships[0].After != nil {
		t.Errorf("deleteRelationship recorded as %+v", rec)
	}

	// deleteEntity takes the entity's relationships with it, and an admin
	// brings all of it back with revertWrite.
	var de struct{ DeleteEntity removalResult }
	e.okAs(editor, deleteEntity, map[string]any{"id": "michael-spavor"}, &de)
	if got := de.DeleteEntity; !slices.Equal(got.DeletedEntities, []string{"michael-spavor"}) || len(got.DeletedRelationships) == 0 {
		t.Errorf("deleteEntity = %+v", got)
	}
	if _, err := e.svc.Entity(ctx, "michael-spavor"); !kg.IsNotFound(err) {
		t.Errorf("after deleteEntity: %v, want not found", err)
	}
	rec := lastWrite(t, e)
	e.okAs(admin, `mutation($id: ID!) { revertWrite(id: $id) { id } }`, map[string]any{"id": rec.ID}, nil)
	if _, err := e.svc.Entity(ctx, "michael-spavor"); err != nil {
		t.Errorf("after the revert: %v", err)
	}
	back, err := e.svc.Store().Relationships(ctx, de.DeleteEntity.DeletedRelationships)
	if err != nil || len(back) != len(de.DeleteEntity.DeletedRelationships) {
		t.Errorf("after the revert %d of %d relationships are back (%v)", len(back), len(de.DeleteEntity.DeletedRelationships), err)
	}

	// An article still used as evidence is not deleted; a retraction comes
	// first. Retracting what is not an article is bad input.
	e.failsAs(editor, deleteEntity, map[string]any{"id": "article"}, "CONFLICT")
	e.failsAs(editor, retractArticle, map[string]any{"a": "han-dong"}, "BAD_USER_INPUT")
	e.failsAs(editor, retractArticle, map[string]any{"a": "no-such-article"}, "NOT_FOUND")

	var ra struct{ RetractArticle removalResult }
	e.okAs(editor, retractArticle, map[string]any{"a": "article", "keep": true}, &ra)
	got := ra.RetractArticle
	if len(got.UnsupportedRelationships) == 0 || len(got.DeletedRelationships) != 0 || len(got.UpdatedRelationships) < len(got.UnsupportedRelationships) {
		t.Errorf("retractArticle(keepUnsupported) = %+v", got)
	}
	for _, r := range got.UnsupportedRelationships {
		if r.Sources != 0 {
			t.Errorf("unsupported %s has %d sources", r.ID, r.Sources)
		}
	}
	var de2 struct{ DeleteEntity removalResult }
	e.okAs(editor, deleteEntity, map[string]any{"id": "article"}, &de2)
	if !slices.Equal(de2.DeleteEntity.DeletedEntities, []string{"article"}) {
		t.Errorf("deleteEntity(article) = %+v", de2.DeleteEntity)
	}
}
