package validate

// SetParallelMin sets the size from which function bodies are checked in
// parallel and returns a function restoring it.
func SetParallelMin(n int) (restore func()) {
	old := parallelMin
	parallelMin = n
	return func() { parallelMin = old }
}

// SetFastChecks turns the instruction loop's fast path on or off and
// returns a function restoring it.
func SetFastChecks(on bool) (restore func()) {
	old := fastChecks
	fastChecks = on
	return func() { fastChecks = old }
}
