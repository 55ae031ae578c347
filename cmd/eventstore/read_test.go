package main

import (
	"strings"
	"testing"
)

func TestRead_Golden(t *testing.T) {
	dir, db := fixtureDB(t)
	tests := []struct {
		name string
		args []string
	}{
		{"whole", []string{"game-duo"}},
		{"range", []string{"game-ko", "-from", "5", "-count", "4"}},
		{"backward", []string{"game-race", "-backward", "-count", "3"}},
		{"backward_from", []string{"game-race", "-backward", "-from", "3"}},
		{"json", []string{"game-ko", "-count", "2", "-json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRun(t, 0, dir, "", append([]string{"read", "-db", db}, tt.args...)...)
			checkGolden(t, "read", tt.name, r.stdout)
		})
	}
}

func TestRead_DeletedStream(t *testing.T) {
	dir, db := fixtureDB(t)
	r := mustRun(t, 1, dir, "", "read", "-db", db, "game-old")
	if !strings.Contains(r.stderr, "stream deleted") {
		t.Fatalf("stderr %q does not say the stream is deleted", r.stderr)
	}
}

func TestAll_Golden(t *testing.T) {
	dir, db := fixtureDB(t)
	tests := []struct {
		name string
		args []string
	}{
		{"type", []string{"-type", "game_completed"}},
		{"guild_prefix", []string{"-guild", "801234567890123456", "-prefix", "game-k", "-count", "5"}},
		{"from", []string{"-from", "100", "-count", "3"}},
		{"backward", []string{"-backward", "-count", "4"}},
		{"json", []string{"-type", "game_started", "-json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRun(t, 0, dir, "", append([]string{"all", "-db", db}, tt.args...)...)
			checkGolden(t, "all", tt.name, r.stdout)
		})
	}
}

func TestTail_Golden(t *testing.T) {
	dir, db := fixtureDB(t)
	tests := []struct {
		name string
		args []string
	}{
		{"stream", []string{"game-ko", "-n", "3"}},
		{"all", []string{"$all", "-n", "4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRun(t, 0, dir, "", append([]string{"tail", "-db", db}, tt.args...)...)
			checkGolden(t, "tail", tt.name, r.stdout)
		})
	}
}
