package eventstore_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	es "github.com/gamebot/eventstore"
	"github.com/gamebot/eventstore/internal/gamesim"
	"github.com/google/go-cmp/cmp"
)

// The game streams of testdata/streams, made by gamesim. Valid streams are
// complete games; the streams under invalid/ are made of valid events
// (each passes Validate) but break one rule of EVENTS.md, "Streams of a
// game". go test -run TestStreams_Golden -update rewrites them.

const streamsDir = "testdata/streams"

var streamStart = time.Date(2026, 1, 2, 18, 0, 0, 0, time.UTC)

type streamCase struct {
	file string
	mode es.Mode
	seed uint64
	edit func([]es.Event) []es.Event // nil for a valid stream
}

var streamCases = []streamCase{
	{file: "two_player.jsonl", mode: es.ModeTwoPlayer, seed: 1},
	{file: "knockout.jsonl", mode: es.ModeKnockout, seed: 2},
	{file: "race.jsonl", mode: es.ModeRace, seed: 3},
	{"invalid/event_after_completed.jsonl", es.ModeTwoPlayer, 4, func(e []es.Event) []es.Event {
		// A copy of the last guess, after the game ended.
		last := e[len(e)-1]
		g := *findLast[*es.GuessProcessed](e)
		g.Metadata = last.(es.MetadataCarrier).EventMetadata().FollowUp("1111111111111111111")
		g.Metadata.EventID = "0194a1b2-0000-7000-8000-000000000001"
		g.Timestamp = baseOf(last).Timestamp.Add(5 * time.Second)
		return append(e, &g)
	}},
	{"invalid/team_after_elimination.jsonl", es.ModeKnockout, 5, func(e []es.Event) []es.Event {
		// The first guess after an elimination, made by the eliminated team.
		var out *es.TeamEliminated
		for _, x := range e {
			switch x := x.(type) {
			case *es.TeamEliminated:
				out = x
			case *es.GuessProcessed:
				if out != nil {
					x.TeamID, x.Player1ID, x.Player2ID = out.TeamID, out.FinalState.PlayerIDs[0], out.FinalState.PlayerIDs[1]
					return e
				}
			}
		}
		return e
	}},
	{"invalid/missing_game_started.jsonl", es.ModeRace, 6, func(e []es.Event) []es.Event { return e[1:] }},
	{"invalid/wrong_guild.jsonl", es.ModeKnockout, 7, func(e []es.Event) []es.Event {
		b := baseOf(e[5])
		b.GuildID, b.Metadata.GuildID = "999999999999999999", "999999999999999999"
		return e
	}},
	{"invalid/round_goes_back.jsonl", es.ModeTwoPlayer, 8, func(e []es.Event) []es.Event {
		baseOf(findLast[*es.GuessProcessed](e)).RoundNumber = 2
		return e
	}},
	{"invalid/causation_forward.jsonl", es.ModeRace, 9, func(e []es.Event) []es.Event {
		baseOf(e[3]).Metadata.CausationID = baseOf(e[len(e)-1]).Metadata.EventID
		return e
	}},
	{"invalid/undeclared_team.jsonl", es.ModeRace, 10, func(e []es.Event) []es.Event {
		findLast[*es.GuessProcessed](e).TeamID = "purple"
		return e
	}},
}

// findLast returns the last event of type T.
func findLast[T es.Event](events []es.Event) T {
	for i := len(events) - 1; i >= 0; i-- {
		if e, ok := events[i].(T); ok {
			return e
		}
	}
	var zero T
	return zero
}

// streamJSONL plays a case and returns its JSONL: stream id = game id,
// versions and positions 1…n, created_at = the event's timestamp.
func streamJSONL(t *testing.T, c streamCase) []byte {
	t.Helper()
	gameID := "game-" + strings.TrimSuffix(filepath.Base(c.file), ".jsonl")
	events, err := gamesim.Play(gamesim.Config{
		Seed: c.seed, Mode: c.mode, GuildID: "310215437126746112", GameID: gameID,
		Start: streamStart.Add(time.Duration(c.seed) * time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.edit != nil {
		events = c.edit(events)
	}
	var buf bytes.Buffer
	w := es.NewEnvelopeWriter(&buf, nil)
	for i, e := range events {
		b := baseOf(e)
		err := w.Write(es.RecordedEvent{
			EventID: b.Metadata.EventID, StreamID: gameID, Version: int64(i + 1), Position: int64(i + 1),
			Event: e, Metadata: b.Metadata, CreatedAt: b.Timestamp,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func TestStreams_Golden(t *testing.T) {
	var want strings.Builder // what gamesim.Check says of each invalid stream
	for _, c := range streamCases {
		path := filepath.Join(streamsDir, c.file)
		got := streamJSONL(t, c)
		if c.edit != nil {
			events, err := es.ReadJSONL(bytes.NewReader(got), nil)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&want, "%s: %v\n", c.file, gamesim.Check(eventsOf(events)))
		}
		checkGolden(t, path, got)
	}
	checkGolden(t, filepath.Join(streamsDir, "invalid", "want.golden"), []byte(want.String()))
}

// TestStreams_Files checks every file of testdata/streams as a reader of
// the format would: it decodes, its places are consecutive, every event
// validates, and re-marshalling gives the file byte for byte.
func TestStreams_Files(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(streamsDir, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	invalid, _ := filepath.Glob(filepath.Join(streamsDir, "invalid", "*.jsonl"))
	if len(files) != 3 || len(invalid) < 4 {
		t.Fatalf("found %d streams and %d invalid ones", len(files), len(invalid))
	}
	for _, path := range append(files, invalid...) {
		t.Run(strings.TrimPrefix(path, streamsDir+"/"), func(t *testing.T) {
			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			events, err := es.ReadJSONL(bytes.NewReader(file), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(events) < 30 {
				t.Errorf("%d events, want 30 or more", len(events))
			}
			var out bytes.Buffer
			for i, r := range events {
				b := baseOf(r.Event)
				if err := r.Event.(es.Validator).Validate(time.Now()); err != nil {
					t.Errorf("event %d (%s): %v", i+1, r.EventType, err)
				}
				if r.Version != int64(i+1) || r.Position != int64(i+1) || r.StreamID != events[0].StreamID ||
					!r.CreatedAt.Equal(b.Timestamp) || r.EventID != b.Metadata.EventID || r.EventID == "" {
					t.Errorf("event %d: place or ids wrong: %+v", i+1, r)
				}
				line, err := es.Marshal(nil, r)
				if err != nil {
					t.Fatal(err)
				}
				out.Write(append(line, '\n'))
			}
			if diff := cmp.Diff(string(file), out.String()); diff != "" {
				t.Errorf("re-marshalled (-file +got):\n%s", diff)
			}
			err = gamesim.Check(eventsOf(events))
			if strings.Contains(path, "invalid") != errors.Is(err, gamesim.ErrMalformed) {
				t.Errorf("Check() = %v", err)
			}
		})
	}
}
