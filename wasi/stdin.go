package wasi

import (
	"context"
	"io"
	"sync"
	"time"
)

// stdinPump reads the configured stdin on its own goroutine, one chunk
// ahead of the guest. That lets poll_oneoff tell whether stdin is readable
// without consuming anything, and lets every wait (fd_read, poll_oneoff)
// end when the process does: a guest thread never sits in the host's Read.
// The pump starts on first use and stops at EOF, on an error, or when the
// System closes (a Read already in progress finishes on its own).
type stdinPump struct {
	r      io.Reader
	start  sync.Once
	chunks chan chunk
	done   chan struct{} // closed by System.Close

	// sem serialises consumers (cap 1), acquired with a select so that a
	// thread queued behind another can still be cancelled.
	sem     chan struct{}
	pending []byte // rest of the chunk being consumed (under sem)
	err     error  // sticky end: EOF or the reader's error (under sem)
}

type chunk struct {
	b   []byte
	err error
}

func newStdinPump(r io.Reader) *stdinPump {
	return &stdinPump{r: r, chunks: make(chan chunk), done: make(chan struct{}), sem: make(chan struct{}, 1)}
}

func (p *stdinPump) run() {
	for {
		buf := make([]byte, stdinReadChunk)
		n, err := p.r.Read(buf)
		if n == 0 && err == nil {
			continue
		}
		select {
		case p.chunks <- chunk{buf[:n], err}:
		case <-p.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// acquire takes the consumer slot; it fails when ctx ends or wait fires
// first (a nil wait never fires).
func (p *stdinPump) acquire(ctx context.Context, wait <-chan time.Time) bool {
	p.start.Do(func() { go p.run() })
	// A free slot wins over a timer that has fired already (select would
	// pick at random): poll_oneoff must still see stdin that is ready.
	select {
	case p.sem <- struct{}{}:
		return true
	default:
	}
	select {
	case p.sem <- struct{}{}:
		return true
	case <-wait:
	case <-ctx.Done():
	}
	return false
}

func (p *stdinPump) release() { <-p.sem }

// fill makes a chunk pending if none is and reports whether a read would
// now return without blocking. With block it waits for a chunk until wait
// fires or ctx ends; without, it only looks.
func (p *stdinPump) fill(ctx context.Context, wait <-chan time.Time, block bool) bool {
	if len(p.pending) > 0 || p.err != nil {
		return true
	}
	select { // a chunk that is there wins over wait, as in acquire
	case c := <-p.chunks:
		p.pending, p.err = c.b, c.err
		return true
	default:
		if !block {
			return false
		}
	}
	select {
	case c := <-p.chunks:
		p.pending, p.err = c.b, c.err
		return true
	case <-wait:
	case <-ctx.Done():
	}
	return false
}

// read returns up to n bytes, blocking until some are available, EOF, or
// ctx ends.
func (p *stdinPump) read(ctx context.Context, n int) ([]byte, error) {
	if p.r == nil {
		return nil, io.EOF
	}
	if !p.acquire(ctx, nil) {
		return nil, ctx.Err()
	}
	defer p.release()
	if !p.fill(ctx, nil, true) {
		return nil, ctx.Err()
	}
	if len(p.pending) == 0 {
		return nil, p.err
	}
	k := min(n, len(p.pending))
	b := p.pending[:k]
	p.pending = p.pending[k:]
	return b, nil
}

// readable reports whether stdin can be read without blocking. With block
// it waits for that until wait fires (nil: never) or ctx ends.
func (p *stdinPump) readable(ctx context.Context, wait <-chan time.Time, block bool) bool {
	if p.r == nil {
		return true // at EOF
	}
	if !block {
		select {
		case p.sem <- struct{}{}:
			p.start.Do(func() { go p.run() })
		default:
			return false // another thread is reading: not for us now
		}
	} else if !p.acquire(ctx, wait) {
		return false
	}
	defer p.release()
	return p.fill(ctx, wait, block)
}

func (p *stdinPump) close() {
	select {
	case <-p.done:
	default:
		close(p.done)
	}
}
