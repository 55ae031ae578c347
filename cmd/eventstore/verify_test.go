package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
)

func TestVerify_OK(t *testing.T) {
	dir, db := fixtureDB(t)
	r := mustRun(t, 0, dir, "", "verify", "-db", db)
	checkGolden(t, "verify", "ok", r.stdout)
}

// corrupt writes garbage into the data of the event at position pos,
// past the trigger that keeps events immutable.
func corrupt(t *testing.T, path string, pos int64) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var trigger string
	if err := db.QueryRow("SELECT sql FROM sqlite_master WHERE name = 'events_are_immutable'").Scan(&trigger); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DROP TRIGGER events_are_immutable"); err != nil {
		t.Fatal(err)
	}
	// `{"game_id":`, cut short.
	if _, err := db.Exec("UPDATE events SET data = X'7B2267616D655F6964223A' WHERE position = ?", pos); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(trigger); err != nil {
		t.Fatal(err)
	}
}

func TestVerify_CorruptEvent(t *testing.T) {
	dir, db := fixtureDB(t)
	// game-ko's fifth event: the fixture appends game-duo first.
	duo := mustRun(t, 0, dir, "", "info", "-db", db, "game-duo", "-json").stdout
	var info struct {
		Count int64 `json:"event_count"`
	}
	if err := json.Unmarshal([]byte(duo), &info); err != nil {
		t.Fatal(err)
	}
	pos := info.Count + 5
	corrupt(t, db, pos)

	r := mustRun(t, 1, dir, "", "verify", "-db", db)
	checkGolden(t, "verify", "corrupt", r.stdout)
	if want := "stream game-ko version 5 position " + itoa(pos) + ": event does not decode"; !strings.Contains(r.stdout, want) {
		t.Fatalf("verify does not name the event (%q):\n%s", want, r.stdout)
	}

	// The JSON form carries the same problems.
	r = mustRun(t, 1, dir, "", "verify", "-db", db, "-json")
	var rep verifyReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Problems) == 0 || rep.Problems[0].Stream != "game-ko" || rep.Problems[0].Version != 5 || rep.Problems[0].Position != pos {
		t.Fatalf("verify -json: %+v", rep)
	}
}

func TestVerify_MissingTrigger(t *testing.T) {
	dir, db := fixtureDB(t)
	raw, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("DROP TRIGGER events_are_immutable"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	r := mustRun(t, 1, dir, "", "verify", "-db", db)
	if !strings.Contains(r.stdout, "trigger is missing") {
		t.Fatalf("verify did not notice:\n%s", r.stdout)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestVerify_Snapshots(t *testing.T) {
	dir, db := fixtureDB(t)
	ctx := context.Background()
	s, err := eventstore.Open(db, &eventstore.Options{Now: func() time.Time { return fixtureNow }})
	if err != nil {
		t.Fatal(err)
	}
	save := func(game string, version int64, change func(*eventstore.GameState)) {
		t.Helper()
		g := &eventstore.GameState{}
		recs, err := s.ReadStream(ctx, game, 1, int(version))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if err := g.Apply(r); err != nil {
				t.Fatal(err)
			}
		}
		change(g)
		b, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveSnapshot(ctx, game, version, eventstore.GameStateSchemaVersion, b); err != nil {
			t.Fatal(err)
		}
	}
	save("game-duo", 20, func(*eventstore.GameState) {})                                // right
	save("game-ko", 30, func(g *eventstore.GameState) { g.Progress["red"].Score += 7 }) // wrong
	s.Close()

	r := mustRun(t, 1, dir, "", "verify", "-db", db)
	checkGolden(t, "verify", "snapshot", r.stdout)
	if !strings.Contains(r.stdout, "snapshot  stream game-ko version 30") || strings.Contains(r.stdout, "game-duo") {
		t.Fatalf("verify should blame game-ko's snapshot only:\n%s", r.stdout)
	}
}
