package main

import (
	"strings"
	"testing"
)

func TestRecover_Golden(t *testing.T) {
	dir, db := fixtureDB(t)
	for _, tt := range []struct{ name, game, flag string }{
		{"two_player", "game-duo", ""},
		{"knockout", "game-ko", ""},
		{"race", "game-race", ""},
		{"json", "game-duo", "-json"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"recover", "-db", db, tt.game}
			if tt.flag != "" {
				args = append(args, tt.flag)
			}
			checkGolden(t, "recover", tt.name, mustRun(t, 0, dir, "", args...).stdout)
		})
	}
}

func TestRecover_Errors(t *testing.T) {
	dir, db := fixtureDB(t)
	for _, tt := range []struct{ game, want string }{
		{"game-nope", "stream not found"},
		{"game-old", "stream deleted"},
	} {
		r := mustRun(t, 1, dir, "", "recover", "-db", db, tt.game)
		if !strings.Contains(r.stderr, tt.want) {
			t.Errorf("recover %s: stderr %q does not say %q", tt.game, r.stderr, tt.want)
		}
	}
}
