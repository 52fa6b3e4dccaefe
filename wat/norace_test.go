//go:build !race

package wat

const raceDetector = false
