package load

import "context"

// queueDepth is how many batches of jobs wait for the workers.
const queueDepth = 16

// maxBatch is how many jobs at most go to a worker at once.
const maxBatch = 64

// queue hands the jobs of a load to the workers in batches. Passed one at
// a time, the channel between them cost more than looking a file up in
// the header cache. The first batches are small, so that the first files
// are read at once and by every worker; the size doubles up to maxBatch.
// Load flushes it after each source, so that a batch holds the jobs of
// one source.
type queue struct {
	jobs chan<- []job
	// free holds batches the workers are done with, to be filled again.
	free  chan []job
	batch []job
	size  int
}

// add queues j, and returns false when ctx ended first.
func (q *queue) add(ctx context.Context, j job) bool {
	if q.batch == nil {
		q.size = min(max(1, 2*q.size), maxBatch)
		if q.size == maxBatch {
			select {
			case q.batch = <-q.free:
			default:
			}
		}
		if q.batch == nil {
			q.batch = make([]job, 0, q.size)
		}
	}
	q.batch = append(q.batch, j)
	if len(q.batch) < q.size {
		return true
	}
	return q.flush(ctx)
}

// flush passes on the jobs queued, and returns false when ctx ended
// first.
func (q *queue) flush(ctx context.Context) bool {
	b := q.batch
	if len(b) == 0 {
		return ctx.Err() == nil
	}
	q.batch = nil
	select {
	case q.jobs <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

// recycle offers a batch a worker is done with to the queue, cleared so
// that it holds on to nothing.
func recycle(free chan<- []job, b []job) {
	if cap(b) != maxBatch {
		return
	}
	clear(b)
	select {
	case free <- b[:0]:
	default:
	}
}
