package graph

import (
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
		Entities:      []model.EntityChange{},
		Relationships: []model.RelationshipChange{},
	}
	if r.Key != nil {
		out.Key = &r.Key.Name
	}
	for _, c := range r.Entities {
		ch := model.EntityChange{ID: c.ID, Change: changeKind(c.Before != nil, c.After != nil)}
		var err error
		if c.Before != nil {
			if ch.Before, err = model.NewJSON(c.Before); err != nil {
				return nil, kg.Internal("auditLog", err)
			}
		}
		if c.After != nil {
			if ch.After, err = model.NewJSON(c.After); err != nil {
				return nil, kg.Internal("auditLog", err)
			}
		}
		out.Entities = append(out.Entities, ch)
	}
	for _, c := range r.Relationships {
		ch := model.RelationshipChange{ID: c.ID, Change: changeKind(c.Before != nil, c.After != nil)}
		var err error
		if c.Before != nil {
			if ch.Before, err = model.NewJSON(c.Before); err != nil {
				return nil, kg.Internal("auditLog", err)
			}
		}
		if c.After != nil {
			if ch.After, err = model.NewJSON(c.After); err != nil {
				return nil, kg.Internal("auditLog", err)
			}
		}
		out.Relationships = append(out.Relationships, ch)
	}
	return out, nil
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
