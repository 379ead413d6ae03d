package graph

import (
	"errors"
	"strings"

	"github.com/polgraph/polgraph/graph/model"
	"github.com/polgraph/polgraph/internal/kg"
)

// Conversions between the domain's keys and audit records and the API's.

func kgRole(r model.Role) kg.Role { return kg.Role(strings.ToLower(string(r))) }

func gqlRole(r kg.Role) model.Role { return model.Role(strings.ToUpper(string(r))) }

func apiKey(k kg.APIKey) *model.APIKey {
	out := &model.APIKey{Name: k.Name, Role: gqlRole(k.Role), Active: k.Active(), CreatedAt: k.Created, CreatedBy: k.CreatedBy}
	if !k.Active() {
		at, by := k.Revoked, k.RevokedBy
		out.RevokedAt, out.RevokedBy = &at, &by
	}
	return out
}

func changeKind(before, after bool) model.ChangeKind {
	switch {
	case !before:
		return model.ChangeKindCreated
	case !after:
		return model.ChangeKindRemoved
	}
	return model.ChangeKindUpdated
}

func auditRecord(r kg.AuditRecord) (*model.AuditRecord, error) {
	out := &model.AuditRecord{
		ID: r.ID, At: r.Time, Actor: r.Actor, Operation: r.Op,
		Reverts: model.Optional(r.Reverts), RevertedBy: model.Optional(r.RevertedBy),
		Entities:      make([]model.EntityChange, 0, len(r.Entities)),
		Relationships: make([]model.RelationshipChange, 0, len(r.Relationships)),
	}
	if r.Key != nil {
		out.Key = &r.Key.Name
	}
	for _, c := range r.Entities {
		kind, before, after, err := change(c.Before, c.After)
		if err != nil {
			return nil, err
		}
		out.Entities = append(out.Entities, model.EntityChange{ID: c.ID, Change: kind, Before: before, After: after})
	}
	for _, c := range r.Relationships {
		kind, before, after, err := change(c.Before, c.After)
		if err != nil {
			return nil, err
		}
		out.Relationships = append(out.Relationships, model.RelationshipChange{ID: c.ID, Change: kind, Before: before, After: after})
	}
	return out, nil
}

// change is one value before and after a write, as the API shows it.
func change[T any](before, after *T) (model.ChangeKind, *model.JSON, *model.JSON, error) {
	enc := func(v *T) (*model.JSON, error) {
		if v == nil {
			return nil, nil
		}
		j, err := model.NewJSON(v)
		if err != nil {
			return nil, kg.Internal("auditLog", err)
		}
		return j, nil
	}
	b, err := enc(before)
	if err != nil {
		return "", nil, nil, err
	}
	a, err := enc(after)
	if err != nil {
		return "", nil, nil, err
	}
	return changeKind(before != nil, after != nil), b, a, nil
}

func auditConnection(page kg.AuditPage, after string) (*model.AuditConnection, error) {
	c := &model.AuditConnection{Edges: []model.AuditEdge{}, PageInfo: &model.PageInfo{HasNextPage: page.HasNextPage, HasPreviousPage: after != ""}}
	for _, r := range page.Records {
		rec, err := auditRecord(r)
		if err != nil {
			return nil, err
		}
		c.Edges = append(c.Edges, model.AuditEdge{Cursor: kg.AuditCursor(&r), Node: rec})
	}
	if n := len(c.Edges); n > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &c.Edges[0].Cursor, &c.Edges[n-1].Cursor
	}
	return c, nil
}

// argumentProblems locates err's problems inside the argument arg
// ("dump line 3.entity.name"), so that they name what the client sent.
func argumentProblems(err error, arg string) error {
	var e *kg.Error
	if !errors.As(err, &e) || len(e.Problems) == 0 {
		return err
	}
	c := *e
	c.Problems = make([]kg.Problem, len(e.Problems))
	for i, p := range e.Problems {
		p.Path = arg + " " + p.Path
		c.Problems[i] = p
	}
	return &c
}
