package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestAppend(t *testing.T) {
	dir, db := fixtureDB(t)
	// Two events of game-duo, as envelopes, appended to a new stream.
	events := mustRun(t, 0, dir, "", "read", "-db", db, "game-duo", "-count", "2", "-json").stdout
	target := filepath.Join(dir, "target.db")

	var out strings.Builder
	r := mustRun(t, 0, dir, events, "append", "-db", target, "-expect", "no_stream", "-now", fixedNow, "game-duo")
	out.WriteString(r.stdout)
	// The same call again is an idempotent retry: nothing new is written.
	r = mustRun(t, 0, dir, events, "append", "-db", target, "-expect", "no_stream", "-now", fixedNow, "game-duo")
	out.WriteString(r.stdout)
	r = mustRun(t, 0, dir, "", "append", "-db", target, "-expect", "2", "game-duo")
	out.WriteString(r.stdout)
	checkGolden(t, "append", "ok", out.String())
	if r := mustRun(t, 0, dir, "", "info", "-db", target, "game-duo", "-json"); !strings.Contains(r.stdout, `"event_count": 2`) {
		t.Fatalf("after the appends: %s", r.stdout)
	}

	// Wrong expected version: an error naming both versions.
	r = mustRun(t, 1, dir, "", "append", "-db", target, "-expect", "5", "game-duo")
	checkGolden(t, "append", "wrong_version", r.stderr)

	// A malformed line: its number, and nothing appended.
	bad := strings.SplitAfter(events, "\n")[0] + "{\"type\":\n"
	r = mustRun(t, 1, dir, bad, "append", "-db", target, "-expect", "any", "other")
	checkGolden(t, "append", "malformed", r.stderr)
	if r := mustRun(t, 0, dir, "", "streams", "-db", target); strings.Contains(r.stdout, "other") {
		t.Fatalf("a malformed append wrote a stream:\n%s", r.stdout)
	}
}
