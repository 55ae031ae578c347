package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportImport_RoundTripIsByteIdentical(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src.db"), filepath.Join(dir, "dst.db")
	mustRun(t, 0, dir, "", "demo", "-db", src)
	mustRun(t, 0, dir, "", "demo", "-db", src) // two runs: interleaved concurrent games
	first := filepath.Join(dir, "first.jsonl")
	mustRun(t, 0, dir, "", "export", "-db", src, "-o", first)
	want, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}

	r := mustRun(t, 0, dir, "", "import", "-db", dst, first)
	if !strings.HasPrefix(r.stdout, "imported ") || !strings.Contains(r.stdout, "into 12 streams (0 already present)") {
		t.Fatalf("import: %q", r.stdout)
	}
	second := mustRun(t, 0, dir, "", "export", "-db", dst).stdout
	if second != string(want) {
		t.Fatalf("export → import → export differs: %d bytes, then %d bytes", len(want), len(second))
	}

	// Importing again, from stdin this time, changes nothing.
	r = mustRun(t, 0, dir, string(want), "import", "-db", dst, "-json")
	if !strings.Contains(r.stdout, `"imported": 0`) {
		t.Fatalf("second import: %s", r.stdout)
	}
	if third := mustRun(t, 0, dir, "", "export", "-db", dst).stdout; third != string(want) {
		t.Fatal("a second import changed the store")
	}
	mustRun(t, 0, dir, "", "verify", "-db", dst)
}

func TestExport_Golden(t *testing.T) {
	dir, db := fixtureDB(t)
	r := mustRun(t, 0, dir, "", "export", "-db", db, "-stream", "game-duo")
	checkGolden(t, "export", "stream", r.stdout)
	// A guild's export holds its streams only.
	r = mustRun(t, 0, dir, "", "export", "-db", db, "-guild", "802345678901234567")
	if n := strings.Count(r.stdout, "\n"); n == 0 || strings.Count(r.stdout, `"stream_id":"game-race"`) != n {
		t.Fatalf("guild export has %d lines, not all of game-race", n)
	}
}

func TestImport_BadInput(t *testing.T) {
	dir, db := fixtureDB(t)
	export := mustRun(t, 0, dir, "", "export", "-db", db, "-stream", "game-ko").stdout
	lines := strings.SplitAfter(export, "\n")
	other := mustRun(t, 0, dir, "", "export", "-db", db, "-stream", "game-duo").stdout
	tests := []struct {
		name  string
		input string
	}{
		{"truncated", strings.Join(lines[:5], "") + lines[5][:len(lines[5])/2]},
		{"malformed", strings.Join(lines[:2], "") + "{\"type\": \"game_started\", oops}\n" + strings.Join(lines[3:], "")},
		{"gap", strings.Join(lines[:3], "") + strings.Join(lines[4:], "")},
		{"duplicate_id", strings.Join(lines[:3], "") + strings.Replace(lines[2], `"stream_id":"game-ko"`, `"stream_id":"game-x"`, 1)},
		{"invalid_event", strings.Join(lines[:1], "") + strings.Replace(lines[1], `"round_number":1`, `"round_number":0`, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "target.db")
			// A store that already has another stream: it must stay as it is.
			mustRun(t, 0, dir, other, "import", "-db", target)
			r := mustRun(t, 1, dir, other+tt.input, "import", "-db", target)
			checkGolden(t, "import", tt.name, r.stderr)
			if got := mustRun(t, 0, dir, "", "export", "-db", target).stdout; got != other {
				t.Fatal("a failed import changed the store")
			}
		})
	}

	// A stream of the target store holding other events: found before
	// anything is written.
	t.Run("conflict", func(t *testing.T) {
		target := filepath.Join(t.TempDir(), "target.db")
		first := strings.SplitAfter(other, "\n")[0]
		mustRun(t, 0, dir, first, "append", "-db", target, "-expect", "no_stream", "-now", fixedNow, "game-ko")
		r := mustRun(t, 1, dir, export, "import", "-db", target)
		checkGolden(t, "import", "conflict", r.stderr)
	})

	// A failed import into a new file leaves no file behind.
	target := filepath.Join(t.TempDir(), "new.db")
	mustRun(t, 1, dir, "not json\n", "import", "-db", target)
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Fatalf("a failed import left %s: %v", target, err)
	}
}
