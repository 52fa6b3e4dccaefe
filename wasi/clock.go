package wasi

import (
	"crypto/rand"
	"encoding/binary"
	"io"
	"runtime"
	"time"
)

// Clock ids.
const (
	clockRealtime = iota
	clockMonotonic
	clockProcessCPU
	clockThreadCPU
)

// epoch anchors the monotonic clock: Go's monotonic readings are only
// meaningful as differences.
var epoch = time.Now()

// now reads clock id in nanoseconds. The CPU-time clocks are approximated
// by the monotonic clock (Go has no portable per-thread CPU clock).
func now(id uint32) (uint64, Errno) {
	switch id {
	case clockRealtime:
		return uint64(time.Now().UnixNano()), ESUCCESS
	case clockMonotonic, clockProcessCPU, clockThreadCPU:
		return uint64(time.Since(epoch).Nanoseconds()), ESUCCESS
	}
	return 0, EINVAL
}

func (s *System) clockResGet(c *call) Errno {
	if _, e := now(c.i32(0)); e != ESUCCESS {
		return e
	}
	c.m.put64(c.i32(1), 1000) // 1µs: what Go's timers honestly deliver
	return ESUCCESS
}

func (s *System) clockTimeGet(c *call) Errno {
	t, e := now(c.i32(0))
	if e != ESUCCESS {
		return e
	}
	c.m.put64(c.i32(2), t)
	return ESUCCESS
}

func (s *System) randomGet(c *call) Errno {
	buf := c.m.slice(c.i32(0), c.i32(1))
	r := s.cfg.Rand
	if r == nil {
		r = rand.Reader
	}
	// Read through a private buffer (the guest's memory may be shared, and
	// a reader must not see it change), in chunks so that a huge request
	// allocates nothing big.
	// Between chunks, stop once the process has ended: filling 4 GiB
	// takes seconds.
	tmp := make([]byte, min(len(buf), 64<<10))
	for len(buf) > 0 {
		if c.ctx.Err() != nil {
			return ECANCELED
		}
		n := min(len(buf), len(tmp))
		if _, err := io.ReadFull(r, tmp[:n]); err != nil {
			return EIO
		}
		buf = buf[copy(buf, tmp[:n]):]
	}
	return ESUCCESS
}

func (s *System) schedYield(c *call) Errno {
	runtime.Gosched()
	return ESUCCESS
}

// Subscription and event layout (48 and 32 bytes).
const (
	subSize   = 48
	eventSize = 32

	eventClock   = 0
	eventFdRead  = 1
	eventFdWrite = 2

	subclockAbstime = 1
)

// pollCheckEvery is how many subscriptions poll_oneoff reads between
// looks at its context: a 4 GiB memory holds 89 million of them.
const pollCheckEvery = 1 << 16

// pollOneoff waits until a subscription is ready. Clock subscriptions are
// real timers. An fd_read subscription on stdin is ready when stdin has
// data or is at EOF (see stdinPump); every other fd subscription (files,
// stdout) is ready at once, as regular files always are. Waiting ends
// early, with an ECANCELED event, when the process ends.
//
// The host keeps nothing per subscription: a first pass over the guest's
// array reports what is ready at once and finds the earliest deadline;
// after the wait, a second pass reports the clocks that have expired and
// the stdin subscriptions. So a batch of any size needs no host memory
// beyond the guest's own arrays, which are bounds-checked whole first.
func (s *System) pollOneoff(c *call) Errno {
	in, out, n := c.i32(0), c.i32(1), c.i32(2)
	if n == 0 {
		return EINVAL
	}
	subs := c.m.span(in, uint64(n)*subSize)
	evs := c.m.span(out, uint64(n)*eventSize)
	events := uint32(0)
	put := func(userdata uint64, errno Errno, typ uint8, nbytes uint64) {
		// One event per subscription; only a guest rewriting its array
		// between the passes could ask for more.
		if events == n {
			return
		}
		ev := evs[events*eventSize : (events+1)*eventSize]
		clear(ev)
		binary.LittleEndian.PutUint64(ev, userdata)
		binary.LittleEndian.PutUint16(ev[8:], uint16(errno))
		ev[10] = typ
		binary.LittleEndian.PutUint64(ev[16:], nbytes)
		events++
	}

	// Every clock is read once, so both passes compute the same deadline
	// for a subscription.
	start := time.Now()
	var clockNow [clockThreadCPU + 1]uint64
	for id := range clockNow {
		clockNow[id], _ = now(uint32(id))
	}
	deadline := func(sub []byte) (time.Time, Errno) {
		id := binary.LittleEndian.Uint32(sub[16:])
		timeout := binary.LittleEndian.Uint64(sub[24:])
		flags := binary.LittleEndian.Uint16(sub[40:])
		if id >= uint32(len(clockNow)) {
			return time.Time{}, EINVAL
		}
		var d time.Duration
		switch t := clockNow[id]; {
		case flags&subclockAbstime == 0:
			d = time.Duration(min(timeout, uint64(1<<62)))
		case timeout > t:
			d = time.Duration(min(timeout-t, uint64(1<<62)))
		}
		return start.Add(d), ESUCCESS
	}
	// isStdin reports whether an fd_read subscription reads stdin.
	isStdin := func(sub []byte) (*stdinPump, bool) {
		e, errno := s.get(binary.LittleEndian.Uint32(sub[16:]))
		if errno != ESUCCESS || !e.stdin {
			return nil, false
		}
		return e.in, true
	}

	var (
		first      time.Time // earliest deadline, if haveClock
		firstUser  uint64
		haveClock  bool
		stdin      *stdinPump
		stdinUser  uint64
		subCount   = uint64(n)
		checkpoint = func(i uint64) bool { return i%pollCheckEvery != 0 || c.ctx.Err() == nil }
	)
	for i := uint64(0); i < subCount && checkpoint(i); i++ {
		sub := subs[i*subSize : (i+1)*subSize]
		userdata := binary.LittleEndian.Uint64(sub)
		switch tag := sub[8]; tag {
		case eventClock:
			dl, errno := deadline(sub)
			if errno != ESUCCESS {
				put(userdata, errno, eventClock, 0)
			} else if !haveClock || dl.Before(first) {
				first, firstUser, haveClock = dl, userdata, true
			}
		case eventFdRead, eventFdWrite:
			_, errno := s.get(binary.LittleEndian.Uint32(sub[16:]))
			if errno != ESUCCESS {
				put(userdata, errno, tag, 0)
			} else if p, ok := isStdin(sub); ok && tag == eventFdRead {
				if stdin == nil {
					stdin, stdinUser = p, userdata
				}
			} else {
				put(userdata, ESUCCESS, tag, 0)
			}
		default:
			put(userdata, EINVAL, tag, 0)
		}
	}

	stdinReady := false
	switch {
	case stdin == nil && !haveClock:
	case events > 0 || (haveClock && !time.Now().Before(first)):
		// Something is ready already: only look at stdin.
		stdinReady = stdin != nil && stdin.readable(c.ctx, nil, false)
	default:
		var timeout <-chan time.Time
		if haveClock {
			t := time.NewTimer(time.Until(first))
			defer t.Stop()
			timeout = t.C
		}
		if stdin != nil {
			stdinReady = stdin.readable(c.ctx, timeout, true)
		} else {
			select {
			case <-timeout:
			case <-c.ctx.Done():
			}
		}
	}

	// Second pass: the subscriptions that waited.
	if haveClock || stdinReady {
		now := time.Now()
		for i := uint64(0); i < subCount && checkpoint(i); i++ {
			sub := subs[i*subSize : (i+1)*subSize]
			userdata := binary.LittleEndian.Uint64(sub)
			switch sub[8] {
			case eventClock:
				if dl, errno := deadline(sub); errno == ESUCCESS && !now.Before(dl) {
					put(userdata, ESUCCESS, eventClock, 0)
				}
			case eventFdRead:
				if p, ok := isStdin(sub); ok && stdinReady && p == stdin {
					put(userdata, ESUCCESS, eventFdRead, 1)
				}
			}
		}
	}
	if events == 0 && c.ctx.Err() != nil {
		typ, u := uint8(eventClock), firstUser
		if !haveClock && stdin != nil {
			typ, u = eventFdRead, stdinUser
		}
		put(u, ECANCELED, typ, 0)
	}
	c.m.put32(c.i32(3), events)
	return ESUCCESS
}
