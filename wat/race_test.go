//go:build race

package wat

// raceDetector reports a -race build, whose instrumentation changes what
// the runtime allocates (allocation bounds are not checked there).
const raceDetector = true
