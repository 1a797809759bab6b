// Package layering holds the test that enforces the package layers of
// DESIGN.md by reading `go list -deps` (restic does it with depguard; a
// plain test needs no extra tool in CI).
package layering
