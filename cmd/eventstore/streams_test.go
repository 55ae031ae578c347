package main

import (
	"strings"
	"testing"
)

func TestStreams_Golden(t *testing.T) {
	dir, db := fixtureDB(t)
	tests := []struct {
		name string
		args []string
	}{
		{"all", nil},
		{"page", []string{"-limit", "2"}},
		{"next_page", []string{"-limit", "2", "-after", "game-ko"}},
		{"guild", []string{"-guild", "801234567890123456"}},
		{"prefix", []string{"-prefix", "game-r"}},
		{"json", []string{"-limit", "1", "-json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRun(t, 0, dir, "", append([]string{"streams", "-db", db}, tt.args...)...)
			checkGolden(t, "streams", tt.name, r.stdout)
		})
	}
}

func TestInfo_Golden(t *testing.T) {
	dir, db := fixtureDB(t)
	for _, tt := range []struct{ name, stream, flag string }{
		{"game", "game-ko", ""},
		{"deleted", "game-old", ""},
		{"json", "game-duo", "-json"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"info", "-db", db, tt.stream}
			if tt.flag != "" {
				args = append(args, tt.flag)
			}
			r := mustRun(t, 0, dir, "", args...)
			checkGolden(t, "info", tt.name, r.stdout)
		})
	}
}

func TestInfo_MissingStream(t *testing.T) {
	dir, db := fixtureDB(t)
	r := mustRun(t, 1, dir, "", "info", "-db", db, "game-nope")
	if !strings.Contains(r.stderr, "stream not found") {
		t.Fatalf("stderr %q does not say the stream is not found", r.stderr)
	}
}
