package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/polgraph/polgraph/internal/kg"
)

// Proposals live in bbolt only (not in memory), as JSON by id, with an
// index of article NUL id: they are read by the review queue, a page at a
// time, and written by Apply in the same transaction as the graph.

var (
	bucketProposals       = []byte("proposals")
	bucketProposalArticle = []byte("proposal_article")
)

func readProposal(tx *bolt.Tx, id []byte) (kg.Proposal, bool, error) {
	v := tx.Bucket(bucketProposals).Get(id)
	if v == nil {
		return kg.Proposal{}, false, nil
	}
	var p kg.Proposal
	if err := json.Unmarshal(v, &p); err != nil {
		return kg.Proposal{}, false, fmt.Errorf("proposal %q: %w", id, err)
	}
	return p, true, nil
}

// storedProposals reads the proposals a batch writes and every proposal of
// the articles it reads anew or deletes (callers hold writeMu, so what it
// reads stays current until their write commits).
func (s *Store) storedProposals(ctx context.Context, b *kg.Batch) (map[string]kg.Proposal, error) {
	articles := b.ProposalArticles()
	if len(b.Proposals)+len(articles) == 0 {
		return nil, nil
	}
	out, err := s.Proposals(ctx, b.ProposalIDs())
	if err != nil || len(articles) == 0 {
		return out, err
	}
	err = s.view(ctx, "proposals", func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketProposalArticle).Cursor()
		for _, a := range articles {
			prefix := indexKey(a, "")
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				p, ok, err := readProposal(tx, k[len(prefix):])
				if err != nil {
					return err
				}
				if ok {
					out[p.ID] = p
				}
			}
		}
		return nil
	})
	return out, err
}

// deleteProposals deletes proposals and their article index entries.
func deleteProposals(tx *bolt.Tx, ps []kg.Proposal) error {
	pb, ib := tx.Bucket(bucketProposals), tx.Bucket(bucketProposalArticle)
	for i := range ps {
		if err := pb.Delete([]byte(ps[i].ID)); err != nil {
			return err
		}
		if err := ib.Delete(indexKey(ps[i].Article, ps[i].ID)); err != nil {
			return err
		}
	}
	return nil
}

// putProposals stores proposals and their article index.
func putProposals(tx *bolt.Tx, ps []kg.Proposal) error {
	pb, ib := tx.Bucket(bucketProposals), tx.Bucket(bucketProposalArticle)
	for i := range ps {
		p := &ps[i]
		v, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if err := pb.Put([]byte(p.ID), v); err != nil {
			return err
		}
		if err := ib.Put(indexKey(p.Article, p.ID), nil); err != nil {
			return err
		}
	}
	return nil
}

// Proposals returns the stored proposals with these ids.
func (s *Store) Proposals(ctx context.Context, ids []string) (map[string]kg.Proposal, error) {
	out := make(map[string]kg.Proposal, len(ids))
	err := s.view(ctx, "proposals", func(tx *bolt.Tx) error {
		for _, id := range ids {
			p, ok, err := readProposal(tx, []byte(id))
			if err != nil {
				return err
			}
			if ok {
				out[id] = p
			}
		}
		return nil
	})
	return out, err
}

// ListProposals lists proposals in id order: an article's through the
// article index, else all of them.
func (s *Store) ListProposals(ctx context.Context, q kg.ProposalQuery) (kg.ProposalPage, error) {
	const op = "proposals"
	var page kg.ProposalPage
	err := s.view(ctx, op, func(tx *bolt.Tx) error {
		var prefix []byte
		var c *bolt.Cursor
		if q.Article != "" {
			prefix, c = indexKey(q.Article, ""), tx.Bucket(bucketProposalArticle).Cursor()
		} else {
			c = tx.Bucket(bucketProposals).Cursor()
		}
		n := 0
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if n++; n%checkEvery == 0 {
				if err := ctxErr(ctx, op); err != nil {
					return err
				}
			}
			id := k[len(prefix):]
			// Only what is filtered by status or goes on the page is
			// decoded: counting the rest needs its key only.
			onPage := string(id) > q.After && len(page.Proposals) < q.First
			var p kg.Proposal
			if q.Status != "" || onPage {
				var ok bool
				var err error
				if p, ok, err = readProposal(tx, id); err != nil {
					return err
				}
				if !ok || (q.Status != "" && p.Status != q.Status) {
					continue
				}
			}
			page.TotalCount++
			if string(id) <= q.After {
				continue
			}
			if !onPage {
				page.HasNextPage = true
				continue
			}
			page.Proposals = append(page.Proposals, p)
		}
		return nil
	})
	return page, err
}
