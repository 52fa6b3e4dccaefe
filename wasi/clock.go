package wasi

import (
	"crypto/rand"
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
	tmp := make([]byte, min(len(buf), 64<<10))
	for len(buf) > 0 {
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

// pollOneoff waits until a subscription is ready. Clock subscriptions are
// real timers. An fd_read subscription on stdin is ready when stdin has
// data or is at EOF (see stdinPump); every other fd subscription (files,
// stdout) is ready at once, as regular files always are. Waiting ends
// early, with an ECANCELED event, when the process ends.
func (s *System) pollOneoff(c *call) Errno {
	in, out, n := c.i32(0), c.i32(1), c.i32(2)
	if n == 0 {
		return EINVAL
	}
	type clockSub struct {
		userdata uint64
		deadline time.Time
	}
	var clocks []clockSub
	var stdinSubs []uint64 // userdata of fd_read subscriptions on stdin
	var stdin *stdinPump
	events := 0
	put := func(userdata uint64, errno Errno, typ uint8, nbytes uint64) {
		p := out + uint32(events)*eventSize
		clear(c.m.slice(p, eventSize))
		c.m.put64(p, userdata)
		c.m.put16(p+8, uint16(errno))
		c.m.put8(p+10, typ)
		c.m.put64(p+16, nbytes)
		events++
	}
	start := time.Now()
	for i := uint32(0); i < n; i++ {
		p := in + i*subSize
		userdata := c.m.u64(p)
		switch tag := c.m.u8(p + 8); tag {
		case eventClock:
			id := c.m.u32(p + 16)
			timeout := c.m.u64(p + 24)
			flags := c.m.u16(p + 40)
			t, e := now(id)
			if e != ESUCCESS {
				put(userdata, e, eventClock, 0)
				continue
			}
			var d time.Duration
			switch {
			case flags&subclockAbstime == 0:
				d = time.Duration(min(timeout, uint64(1<<62)))
			case timeout > t:
				d = time.Duration(min(timeout-t, uint64(1<<62)))
			}
			clocks = append(clocks, clockSub{userdata, start.Add(d)})
		case eventFdRead, eventFdWrite:
			e, errno := s.get(c.m.u32(p + 16))
			switch {
			case errno != ESUCCESS:
				put(userdata, errno, tag, 0)
			case tag == eventFdRead && e.stdin:
				stdin = e.in
				stdinSubs = append(stdinSubs, userdata)
			default:
				put(userdata, ESUCCESS, tag, 0)
			}
		default:
			put(userdata, EINVAL, tag, 0)
		}
	}
	var first *clockSub
	for i := range clocks {
		if first == nil || clocks[i].deadline.Before(first.deadline) {
			first = &clocks[i]
		}
	}
	stdinReady := false
	switch {
	case stdin == nil && first == nil:
	case events > 0 || (first != nil && !time.Now().Before(first.deadline)):
		// Something is ready already: only look at stdin.
		stdinReady = stdin != nil && stdin.readable(c.ctx, nil, false)
	default:
		var timeout <-chan time.Time
		if first != nil {
			t := time.NewTimer(time.Until(first.deadline))
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
	if stdinReady {
		for _, u := range stdinSubs {
			put(u, ESUCCESS, eventFdRead, 1)
		}
	}
	for _, cl := range clocks {
		if !time.Now().Before(cl.deadline) {
			put(cl.userdata, ESUCCESS, eventClock, 0)
		}
	}
	if events == 0 && c.ctx.Err() != nil {
		typ, u := uint8(eventClock), uint64(0)
		if first != nil {
			u = first.userdata
		} else if len(stdinSubs) > 0 {
			typ, u = eventFdRead, stdinSubs[0]
		}
		put(u, ECANCELED, typ, 0)
	}
	c.m.put32(c.i32(3), uint32(events))
	return ESUCCESS
}
