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
//
// While the workers wait for a directory's header cache to be read (see
// holdWhile), the batches they have no room for are held rather than
// waited on, and the directory is listed meanwhile.
type queue struct {
	jobs chan<- []job
	// free holds batches the workers are done with, to be filled again.
	free  chan []job
	batch []job
	size  int
	// held are the batches kept back, in their order, from held[next]
	// on; wait is a channel closed once the workers no longer wait, nil
	// when they don't.
	held [][]job
	next int
	wait <-chan struct{}
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

// maxHeld caps the jobs a queue holds back, 8 MB of them: the listing
// waits for the workers past that.
const maxHeld = 1 << 17

// flush passes on the jobs queued, and returns false when ctx ended
// first. While the workers wait (see holdWhile), the jobs they have no
// room for are held, up to maxHeld.
func (q *queue) flush(ctx context.Context) bool {
	if len(q.batch) > 0 {
		q.held = append(q.held, q.batch)
		q.batch = nil
	}
	for ; q.next < len(q.held); q.next++ {
		if q.waiting() && len(q.held)-q.next <= maxHeld/maxBatch {
			select {
			case q.jobs <- q.held[q.next]:
			default:
				return ctx.Err() == nil
			}
		} else {
			select {
			case q.jobs <- q.held[q.next]:
			case <-ctx.Done():
				return false
			}
		}
		q.held[q.next] = nil
	}
	q.held, q.next = q.held[:0], 0
	return ctx.Err() == nil
}

// holdWhile makes the queue hold the jobs the workers have no room for
// until wait is closed; nil holds none, and the flush that follows passes
// every job held on, waiting for the workers as it must.
func (q *queue) holdWhile(wait <-chan struct{}) { q.wait = wait }

// waiting reports whether the workers wait for q.wait to close.
func (q *queue) waiting() bool {
	if q.wait == nil {
		return false
	}
	select {
	case <-q.wait:
		q.wait = nil
		return false
	default:
		return true
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
