package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
	"github.com/gamebot/eventstore/internal/gamesim"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// fixedNow is the clock of the fixture store and of -now in tests.
const fixedNow = "2026-01-02T15:00:00Z"

var fixtureNow = time.Date(2026, 1, 2, 15, 0, 0, 0, time.UTC)

// result is what one run of the command gave.
type result struct {
	code           int
	stdout, stderr string
}

// runCmd runs the command with args and stdin; every occurrence of dir in
// its output reads $DIR, so golden files do not depend on t.TempDir.
func runCmd(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	clean := func(s string) string {
		if dir == "" {
			return s
		}
		return strings.ReplaceAll(s, dir, "$DIR")
	}
	return result{code, clean(out.String()), clean(errOut.String())}
}

// mustRun runs the command and fails the test unless it exits with want.
func mustRun(t *testing.T, want int, dir, stdin string, args ...string) result {
	t.Helper()
	r := runCmd(t, dir, stdin, args...)
	if r.code != want {
		t.Fatalf("eventstore %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

// checkGolden compares got with testdata/<sub>/<name>.golden, or rewrites
// it with -update.
func checkGolden(t *testing.T, sub, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", sub, name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// fixtureGames are the games of the fixture store, appended one after the
// other so positions and commit times are the same every time.
var fixtureGames = []struct {
	id, guild string
	mode      eventstore.Mode
}{
	{"game-duo", "801234567890123456", eventstore.ModeTwoPlayer},
	{"game-ko", "801234567890123456", eventstore.ModeKnockout},
	{"game-race", "802345678901234567", eventstore.ModeRace},
	{"game-old", "803456789012345678", eventstore.ModeTwoPlayer}, // soft-deleted
}

// fixtureDB makes a store with the fixture games under a new temporary
// directory and returns the directory and the store's path.
func fixtureDB(t *testing.T) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "fixture.db")
	s, err := eventstore.Open(path, &eventstore.Options{Now: func() time.Time { return fixtureNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for k, g := range fixtureGames {
		events, err := gamesim.Play(gamesim.Config{Seed: uint64(k + 1), Mode: g.mode, GuildID: g.guild, GameID: g.id,
			Start: fixtureNow.Add(-3*time.Hour + time.Duration(k)*20*time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		// A few events per append, as a bot writes a round at a time.
		expected := eventstore.NoStream
		for len(events) > 0 {
			n := min(len(events), 10)
			res, err := s.Append(ctx, g.id, expected, events[:n]...)
			if err != nil {
				t.Fatal(err)
			}
			events, expected = events[n:], eventstore.ExpectedVersion(res.Version)
		}
	}
	if err := s.DeleteStream(ctx, "game-old", eventstore.Any, eventstore.SoftDelete); err != nil {
		t.Fatal(err)
	}
	return dir, path
}

func TestRun_Usage(t *testing.T) {
	dir, db := fixtureDB(t)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		golden   bool // compare stderr with testdata/usage/<name>.golden
	}{
		{"no_command", nil, 2, true},
		{"unknown_command", []string{"frobnicate"}, 2, false},
		{"help", []string{"help"}, 0, false},
		{"flag_help", []string{"read", "-h"}, 0, false},
		{"unknown_flag", []string{"streams", "-db", db, "-bogus"}, 2, true},
		{"missing_argument", []string{"read", "-db", db}, 2, true},
		{"extra_argument", []string{"info", "-db", db, "a", "b"}, 2, false},
		{"bad_expect", []string{"append", "-db", db, "-expect", "soon", "s"}, 2, true},
		{"bad_limit", []string{"streams", "-db", db, "-limit", "-1"}, 2, false},
		{"bad_count", []string{"all", "-db", db, "-count", "-3"}, 2, false},
		{"archive_without_o", []string{"archive", "-db", db, "game-duo"}, 2, false},
		{"export_both", []string{"export", "-db", db, "-stream", "a", "-guild", "b"}, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, dir, "", tt.args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, tt.wantCode, r.stderr)
			}
			if tt.wantCode == 2 && !strings.Contains(r.stderr, "usage: eventstore") {
				t.Errorf("stderr has no usage:\n%s", r.stderr)
			}
			if tt.golden {
				checkGolden(t, "usage", tt.name, r.stderr)
			}
		})
	}
}

func TestRun_MissingStoreIsNotCreated(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "absent.db")
	for _, cmd := range [][]string{{"streams"}, {"verify"}, {"stats"}, {"read", "x"}, {"export"}} {
		r := mustRun(t, 1, dir, "", append(cmd, "-db", db)...)
		if want := "no store at $DIR/absent.db"; !strings.Contains(r.stderr, want) {
			t.Errorf("%s: stderr %q does not say %q", cmd[0], r.stderr, want)
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Fatalf("the store file was created: %v", err)
	}
}
