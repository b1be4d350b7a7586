//go:build !race

package main

// raceDetector is true when the tests run with the race detector.
const raceDetector = false
