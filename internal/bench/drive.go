package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Load is how hard and how long each shape is driven.
type Load struct {
	Concurrency int           // requests in flight (connections), like wrk -c
	Duration    time.Duration // measured time per shape and round
	Warmup      time.Duration // unmeasured time before each measured run
	Actors      int           // ids are drawn uniformly from 1..Actors
	Seed        uint64        // the same seed gives both systems the same ids
}

// Result is one measured run of one shape against one system.
type Result struct {
	System    string // "polgraph" or "peer"
	Shape     string
	Requests  int
	Errors    int    // non-200 answers, transport errors and GraphQL errors
	FirstErr  string // what the first error was, to tell a broken query from load
	Bytes     int64
	Elapsed   time.Duration
	Latencies []time.Duration // sorted
}

// RPS is requests answered per second.
func (r Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile is the latency below which p percent of requests finished.
func (r Result) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.Latencies))*p/100+0.5) - 1
	return r.Latencies[min(max(i, 0), len(r.Latencies)-1)]
}

// merge adds another run of the same shape and system.
func (r *Result) merge(o Result) {
	r.Requests += o.Requests
	r.Errors += o.Errors
	if r.FirstErr == "" {
		r.FirstErr = o.FirstErr
	}
	r.Bytes += o.Bytes
	r.Elapsed += o.Elapsed
	r.Latencies = append(r.Latencies, o.Latencies...)
	slices.Sort(r.Latencies)
}

// NewClient returns an HTTP client that keeps one connection per worker.
func NewClient(concurrency int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        concurrency * 2,
			MaxIdleConnsPerHost: concurrency * 2,
			MaxConnsPerHost:     concurrency * 2,
			DisableCompression:  true,
			IdleConnTimeout:     time.Minute,
		},
	}
}

// Drive posts s to url from l.Concurrency workers for l.Duration (after
// l.Warmup) and measures every request. Worker w of round draws its ids
// from a generator seeded by (l.Seed, round, w), so two systems driven
// with the same round see the same ids in the same order.
func Drive(ctx context.Context, client *http.Client, url, system string, s Shape, l Load, round int) (Result, error) {
	q, err := json.Marshal(s.Query)
	if err != nil {
		return Result{}, err
	}
	if l.Warmup > 0 {
		drive(ctx, client, url, q, s, l, l.Warmup, round+1_000_000)
	}
	res := drive(ctx, client, url, q, s, l, l.Duration, round)
	res.System, res.Shape = system, s.Name
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	return res, nil
}

func drive(ctx context.Context, client *http.Client, url string, query []byte, s Shape, l Load, d time.Duration, round int) Result {
	workers := max(l.Concurrency, 1)
	results := make([]Result, workers)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(l.Seed, uint64(round)<<16|uint64(w)))
			res := &results[w]
			res.Latencies = make([]time.Duration, 0, 4096)
			var body bytes.Buffer
			buf := make([]byte, 0, 64<<10)
			for ctx.Err() == nil && time.Now().Before(deadline) {
				body.Reset()
				body.WriteString(`{"query":`)
				body.Write(query)
				body.WriteString(`,"variables":`)
				vars, _ := json.Marshal(s.Vars(rng, l.Actors))
				body.Write(vars)
				body.WriteByte('}')
				t0 := time.Now()
				var n int
				var err error
				n, buf, err = post(ctx, client, url, body.Bytes(), buf)
				lat := time.Since(t0)
				res.Requests++
				res.Bytes += int64(n)
				res.Latencies = append(res.Latencies, lat)
				if err == nil && bytes.Contains(buf, []byte(`"errors"`)) {
					err = errors.New("GraphQL errors: " + string(buf[:min(len(buf), 300)]))
				}
				if err != nil {
					res.Errors++
					if res.FirstErr == "" {
						res.FirstErr = err.Error()
					}
				}
			}
		})
	}
	wg.Wait()
	var all Result
	for _, r := range results {
		all.merge(r)
	}
	all.Elapsed = time.Since(start)
	return all
}

// post sends one request and reads the whole answer into buf.
func post(ctx context.Context, client *http.Client, url string, body, buf []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, buf, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, buf[:0], err
	}
	defer resp.Body.Close()
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return len(buf), buf, err
		}
	}
	if resp.StatusCode != http.StatusOK {
		return len(buf), buf, fmt.Errorf("HTTP %d: %s", resp.StatusCode, buf[:min(len(buf), 300)])
	}
	return len(buf), buf, nil
}
