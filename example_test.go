package eventstore_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	es "github.com/gamebot/eventstore"
	"github.com/gamebot/eventstore/internal/gamesim"
	"github.com/google/uuid"
)

func ExampleNewMetadata() {
	// A player's slash command starts a new chain of work.
	md := es.NewMetadata("1310000000000000001", "310215437126746112", "424481464802463264")
	id, _ := uuid.Parse(md.CorrelationID)
	fmt.Println(md.SourceID, md.GuildID, md.ActorID)
	fmt.Println("correlation id is a UUID version", int(id.Version()))
	fmt.Printf("causation %q, event id %q\n", md.CausationID, md.EventID)
	// Output:
	// 1310000000000000001 310215437126746112 424481464802463264
	// correlation id is a UUID version 7
	// causation "", event id ""
}

func ExampleMetadata_FollowUp() {
	parent := es.Metadata{SourceID: "1310000000000000001", CorrelationID: "corr-7", EventID: "event-1"}
	child := parent.FollowUp("1310000000000000002")
	fmt.Println(child.CorrelationID, child.CausationID, child.SourceID, child.EventID == "")
	// Output: corr-7 event-1 1310000000000000002 true
}

func ExampleMarshal() {
	score := 4
	e := &es.GuessProcessed{
		Base: es.Base{
			GameID: "game-1", GuildID: "310215437126746112", Mode: es.ModeTwoPlayer, RoundNumber: 1,
			Timestamp: time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC),
			Metadata:  es.Metadata{SourceID: "1310000000000000002", CorrelationID: "corr-7", EventID: "event-2"},
		},
		TeamID: "red", Player1ID: "p1", Player2ID: "p2", Player1Word: "river", Player2Word: "river",
		GuessSuccessful: true, MatchScore: &score, GuessCount: 1, RoundGuessCount: 1, TotalGuesses: 1,
	}
	b, err := es.Marshal(nil, es.RecordedEvent{StreamID: "game-1", Version: 2, Position: 17, Event: e, CreatedAt: e.Timestamp})
	if err != nil {
		fmt.Println(err)
		return
	}
	var out bytes.Buffer
	json.Indent(&out, b, "", "  ")
	fmt.Println(out.String())
	// Output:
	// {
	//   "type": "guess_processed",
	//   "version": 1,
	//   "stream_id": "game-1",
	//   "stream_version": 2,
	//   "position": 17,
	//   "event_id": "event-2",
	//   "created_at": "2026-01-02T03:04:05.123456Z",
	//   "data": {
	//     "game_id": "game-1",
	//     "guild_id": "310215437126746112",
	//     "mode": "two_player",
	//     "round_number": 1,
	//     "timestamp": "2026-01-02T03:04:05.123456Z",
	//     "team_id": "red",
	//     "player1_id": "p1",
	//     "player2_id": "p2",
	//     "player1_word": "river",
	//     "player2_word": "river",
	//     "guess_successful": true,
	//     "match_score": 4,
	//     "guess_count": 1,
	//     "round_guess_count": 1,
	//     "total_guesses": 1,
	//     "guess_duration": 0,
	//     "player1_duration": 0,
	//     "player2_duration": 0
	//   },
	//   "metadata": {
	//     "source_id": "1310000000000000002",
	//     "correlation_id": "corr-7",
	//     "event_id": "event-2"
	//   }
	// }
}

func ExampleUnmarshal() {
	line := `{"type":"round_started","version":1,"stream_id":"game-1","stream_version":2,"position":9,` +
		`"event_id":"event-2","created_at":"2026-01-02T03:04:05Z","data":{"game_id":"game-1","guild_id":"42",` +
		`"mode":"race","round_number":1,"timestamp":"2026-01-02T03:04:05Z","team_states":{"red":{"team_id":"red"}}},` +
		`"metadata":{"source_id":"s","correlation_id":"c"}}`
	r, err := es.Unmarshal(nil, []byte(line))
	if err != nil {
		fmt.Println(err)
		return
	}
	e := r.Event.(*es.RoundStarted)
	fmt.Println(r.EventType, r.Version, r.Position, r.GuildID, r.CreatedAt.Format(es.TimeLayout))
	fmt.Println(e.Metadata.EventID, len(e.TeamStates))
	// Output:
	// round_started 2 9 42 2026-01-02T03:04:05.000000Z
	// event-2 1
}

func ExampleGameStarted_Validate() {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	e := &es.GameStarted{
		Base: es.Base{GameID: "game-1", GuildID: "42", Mode: es.ModeTwoPlayer, RoundNumber: 1, Timestamp: now,
			Metadata: es.Metadata{SourceID: "s", CorrelationID: "c"}},
		Teams:     map[string][]string{"red": {"p1", "p2", "p3"}},
		TeamIDs:   []string{"red"},
		PlayerIDs: []string{"p1", "p2", "p3"},
		StartedAt: now,
	}
	err := e.Validate(now)
	var ve *es.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(errors.Is(err, es.ErrInvalidEventData), ve.Field, "-", ve.Message)
	}
	// Output: true teams.red - two_player needs exactly 2 players per team
}

func ExampleSet() {
	winners := es.NewSet("red", "blue")
	winners.Add("gold")
	b, _ := json.Marshal(winners)
	fmt.Println(string(b), winners.Has("red"))
	// Output: ["blue","gold","red"] true
}

func ExampleFormatTime() {
	t := time.Date(2026, 1, 2, 4, 4, 5, 987654321, time.FixedZone("CET", 3600))
	s, _ := es.FormatTime(t)
	fmt.Println(s)
	// Output: 2026-01-02T03:04:05.987654Z
}

func ExampleWriteJSONL() {
	// Simulate a short race game and write it as a JSONL stream.
	events, _ := gamesim.Play(gamesim.Config{Seed: 1, Mode: es.ModeRace, GuildID: "42", GameID: "game-9",
		Start: time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC), Events: 6})
	var recorded []es.RecordedEvent
	for i, e := range events {
		recorded = append(recorded, es.RecordedEvent{StreamID: "game-9", Version: int64(i + 1), Position: int64(i + 1), Event: e})
	}
	var buf bytes.Buffer
	if err := es.WriteJSONL(&buf, nil, recorded); err != nil {
		fmt.Println(err)
		return
	}
	back, err := es.ReadJSONL(&buf, nil)
	for _, r := range back {
		fmt.Println(r.Version, r.EventType)
	}
	fmt.Println(err)
	// Output:
	// 1 game_started
	// 2 guess_processed
	// 3 guess_processed
	// 4 guess_processed
	// 5 race_mode_time_expired
	// 6 game_completed
	// <nil>
}
