//go:build !linux

package litmus

import "errors"

var errNoAffinity = errors.New("thread affinity is only supported on Linux")

func allowedCPUs() ([]int, error) { return nil, errNoAffinity }

func pinTo(int) error { return errNoAffinity }
