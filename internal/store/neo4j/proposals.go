package neo4j

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/polgraph/polgraph/internal/kg"
)

// Proposals are Proposal nodes holding the proposal as JSON in data, with
// its id, article and status as properties to seek, filter and order by.
// They are not Entity nodes, so no traversal, search or count sees them;
// Apply writes them in the same transaction as the graph.

func proposalFromRecord(rec *neo4j.Record) (kg.Proposal, error) {
	data, err := recordString(rec, "data")
	if err != nil {
		return kg.Proposal{}, err
	}
	var p kg.Proposal
	if err := json.Unmarshal([]byte(data), &p); err != nil {
		return kg.Proposal{}, fmt.Errorf("proposal: %w", err)
	}
	return p, nil
}

// proposalsByID reads proposals in a transaction; with lock, it takes
// their write locks first.
func proposalsByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string, lock bool) (map[string]kg.Proposal, error) {
	name := stProposalsByID
	if lock {
		name = stLockProposals
	}
	recs, err := run(ctx, tx, name, map[string]any{"ids": anyStrings(ids)})
	if err != nil {
		return nil, err
	}
	out := make(map[string]kg.Proposal, len(recs))
	for _, rec := range recs {
		p, err := proposalFromRecord(rec)
		if err != nil {
			return nil, err
		}
		out[p.ID] = p
	}
	return out, nil
}

// lockArticleProposals write-locks and reads every proposal of the
// articles into into.
func lockArticleProposals(ctx context.Context, tx neo4j.ManagedTransaction, articles []string, into map[string]kg.Proposal) error {
	recs, err := run(ctx, tx, stLockArticleProposals, map[string]any{"articles": anyStrings(articles)})
	if err != nil {
		return err
	}
	for _, rec := range recs {
		p, err := proposalFromRecord(rec)
		if err != nil {
			return err
		}
		into[p.ID] = p
	}
	return nil
}

// deleteProposals deletes proposals.
func deleteProposals(ctx context.Context, tx neo4j.ManagedTransaction, ps []kg.Proposal) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]any, len(ps))
	for i := range ps {
		ids[i] = ps[i].ID
	}
	_, err := run(ctx, tx, stDeleteProposals, map[string]any{"ids": ids})
	return err
}

// putProposals stores proposals whole.
func putProposals(ctx context.Context, tx neo4j.ManagedTransaction, ps []kg.Proposal) error {
	if len(ps) == 0 {
		return nil
	}
	rows := make([]any, len(ps))
	for i := range ps {
		data, err := json.Marshal(&ps[i])
		if err != nil {
			return kg.Internal("apply", err)
		}
		rows[i] = map[string]any{"id": ps[i].ID, "article": ps[i].Article, "status": string(ps[i].Status), "data": string(data)}
	}
	_, err := run(ctx, tx, stPutProposals, map[string]any{"rows": rows})
	return err
}

// Proposals returns the stored proposals with these ids.
func (s *Store) Proposals(ctx context.Context, ids []string) (map[string]kg.Proposal, error) {
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	if len(ids) == 0 {
		return map[string]kg.Proposal{}, nil
	}
	return readTx(s, ctx, "proposals", func(tx neo4j.ManagedTransaction) (map[string]kg.Proposal, error) {
		return proposalsByID(ctx, tx, ids, false)
	})
}

// ListProposals lists proposals in id order, with their total count.
func (s *Store) ListProposals(ctx context.Context, q kg.ProposalQuery) (kg.ProposalPage, error) {
	const op = "proposals"
	ctx, cancel := s.deadline(ctx, 0)
	defer cancel()
	page, count := stListProposals, stCountProposals
	params := map[string]any{"status": string(q.Status), "after": q.After, "limit": int64(q.First + 1)}
	var countParams map[string]any
	switch {
	case q.Article != "":
		page, count = stListArticleProposals, stCountArticleProposals
		params["article"] = q.Article
		countParams = map[string]any{"article": q.Article, "status": string(q.Status)}
	case q.Status != "":
		count, countParams = stCountProposalsByStatus, map[string]any{"status": string(q.Status)}
	}
	return readTx(s, ctx, op, func(tx neo4j.ManagedTransaction) (kg.ProposalPage, error) {
		var out kg.ProposalPage
		recs, err := run(ctx, tx, count, countParams)
		if err != nil {
			return out, err
		}
		if len(recs) > 0 {
			n, _, err := neo4j.GetRecordValue[int64](recs[0], "total")
			if err != nil {
				return out, err
			}
			out.TotalCount = int(n)
		}
		if recs, err = run(ctx, tx, page, params); err != nil {
			return out, err
		}
		for i, rec := range recs {
			if i == q.First {
				out.HasNextPage = true
				break
			}
			p, err := proposalFromRecord(rec)
			if err != nil {
				return out, err
			}
			out.Proposals = append(out.Proposals, p)
		}
		return out, nil
	})
}
