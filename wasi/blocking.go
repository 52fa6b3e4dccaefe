package wasi

import (
	"context"
	"io"
)

// Host calls that can block in the kernel for as long as another process
// pleases — opening a FIFO before anyone opens its other end, reading a
// pipe or a terminal, writing a pipe nobody drains — cannot be
// interrupted in Go. A thread doing one directly would keep the process
// from ending when another thread calls proc_exit or traps. So such calls
// run on a helper goroutine, and the thread waits for the helper or for
// its context, whichever comes first. When the process ends first, the
// thread gets ECANCELED at once and stops; the helper is abandoned: it
// stays blocked until the call returns on its own (or until Close closes
// the file under it), then releases what the call produced — closes an
// opened file — and does nothing else. It never touches guest memory or
// the fd table, which is why helpers work on private buffers.
//
// Calls on regular files and directories do not block indefinitely and
// run on the thread itself, straight into guest memory.

// pipeReadChunk bounds one read of a pipe or device: such reads return
// what is there (a short count is the norm), and the buffer is private.
const pipeReadChunk = 64 << 10

// blocking runs op, a call that may block indefinitely, and returns its
// results, or ECANCELED as soon as ctx ends. op must only use host objects
// of its own; discard, when not nil, releases the result of an op that
// succeeded after it was abandoned.
func blocking[T any](ctx context.Context, s *System, op func() (T, error), discard func(T)) (T, error) {
	var zero T
	if ctx.Done() == nil { // cannot be cancelled: nothing to wait for
		return op()
	}
	if ctx.Err() != nil {
		return zero, ECANCELED
	}
	type result struct {
		v   T
		err error
	}
	// Unbuffered: a completed send hands the result over, so exactly one
	// side — the thread or the helper — ends up owning it.
	ch := make(chan result)
	abandon := make(chan struct{})
	s.blocked.Add(1)
	go func() {
		defer s.blocked.Done()
		v, err := op()
		select {
		case ch <- result{v, err}:
		case <-abandon:
			if discard != nil && err == nil {
				discard(v)
			}
		}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		close(abandon)
		return zero, ECANCELED
	}
}

// mayBlock reports whether transfers on e can block indefinitely: anything
// but a regular file or a directory (FIFOs, character devices, sockets).
// Stdio has its own helpers (writeStdio, stdinPump).
func (e *fdEntry) mayBlock() bool {
	return e.file != nil && e.kind != fileRegular && e.kind != fileDirectory
}

// readBlocking is one read of a file that may block, at offset off (or at
// the file's position when off < 0), into iovs: through a private buffer,
// since an abandoned read must not write guest memory.
func (s *System) readBlocking(ctx context.Context, e *fdEntry, iovs [][]byte, off int64) (int, error) {
	total := 0
	for _, iov := range iovs {
		total += len(iov)
	}
	buf := make([]byte, min(total, pipeReadChunk))
	n, err := blocking(ctx, s, func() (int, error) {
		if off >= 0 {
			return e.file.ReadAt(buf, off)
		}
		return e.file.Read(buf)
	}, nil)
	b := buf[:n]
	for _, iov := range iovs {
		b = b[copy(iov, b):]
	}
	if err == io.EOF {
		err = nil
	}
	return n, err
}

// writeBlocking writes buf, a private copy of the guest's data, to a file
// that may block, at offset off (or at the file's position when off < 0).
func (s *System) writeBlocking(ctx context.Context, e *fdEntry, buf []byte, off int64) (int, error) {
	return blocking(ctx, s, func() (int, error) {
		if off >= 0 {
			return e.file.WriteAt(buf, off)
		}
		return e.file.Write(buf)
	}, nil)
}
