//go:build race

package interp_test

// raceDetector reports a -race build, whose tests run several times slower.
const raceDetector = true
