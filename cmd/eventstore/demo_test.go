package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestDemo_Golden(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "gamebot.db")
	r := mustRun(t, 0, dir, "", "demo", "-db", db, "-seed", "1", "-now", fixedNow)
	checkGolden(t, "demo", "seed1", r.stdout)
}

func TestDemo_TwiceThenVerify(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "gamebot.db")
	mustRun(t, 0, dir, "", "demo", "-db", db)
	r := mustRun(t, 0, dir, "", "demo", "-db", db, "-json")
	var out struct {
		Run   int `json:"run"`
		Games []struct {
			GameID string `json:"game_id"`
			State  struct {
				Status string `json:"status"`
			} `json:"state"`
		} `json:"games"`
		Conflict struct {
			Expected, Actual, Retried int64
		} `json:"conflict"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("demo -json: %v\n%s", err, r.stdout)
	}
	if out.Run != 2 || len(out.Games) != 6 || !strings.HasPrefix(out.Games[0].GameID, "demo-2-") {
		t.Fatalf("second run: run %d, %d games, first %q; want run 2 with 6 fresh games", out.Run, len(out.Games), out.Games[0].GameID)
	}
	for _, g := range out.Games {
		if g.State.Status != "completed" {
			t.Errorf("%s: status %q, want completed", g.GameID, g.State.Status)
		}
	}
	if c := out.Conflict; c.Actual != c.Expected+1 || c.Retried != c.Actual+1 {
		t.Errorf("conflict %+v: want the loser told expected+1 and retried after it", c)
	}
	v := mustRun(t, 0, dir, "", "verify", "-db", db)
	if want := "ok: "; !strings.HasPrefix(v.stdout, want) || !strings.Contains(v.stdout, "12 games recovered") {
		t.Fatalf("verify: %q", v.stdout)
	}
}
