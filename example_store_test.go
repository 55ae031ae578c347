package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	es "github.com/gamebot/eventstore"
)

// exampleGame returns the first events of a two_player game.
func exampleGame(at time.Time) []es.Event {
	md := es.Metadata{SourceID: "1001", CorrelationID: "corr-1", GuildID: "42"}
	base := es.Base{GameID: "game-1", GuildID: "42", Mode: es.ModeTwoPlayer, RoundNumber: 1, Timestamp: at, Metadata: md}
	started := &es.GameStarted{
		Base:      base,
		Teams:     map[string][]string{"red": {"alice", "bob"}},
		TeamIDs:   []string{"red"},
		PlayerIDs: []string{"alice", "bob"},
		StartedAt: at,
	}
	guess := &es.GuessProcessed{
		Base: base, TeamID: "red", Player1ID: "alice", Player2ID: "bob",
		Player1Word: "tea", Player2Word: "tea", GuessSuccessful: true, MatchScore: new(int),
		GuessCount: 1, RoundGuessCount: 1, TotalGuesses: 1,
	}
	*guess.MatchScore = 10
	return []es.Event{started, guess}
}

func ExampleStore_Append() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	s, err := es.Open(filepath.Join(dir, "gamebot.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	at := time.Now().Add(-time.Minute)

	// The first append creates the stream: expect that it does not exist.
	res, err := s.Append(ctx, "game-1", es.NoStream, exampleGame(at)...)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("version", res.Version, "positions", res.Positions)

	// A writer that read an older version loses the race.
	_, err = s.Append(ctx, "game-1", 1, exampleGame(at)[1])
	var ve *es.VersionError
	if errors.As(err, &ve) {
		fmt.Println("conflict: expected", ve.Expected, "actual", ve.Actual)
	}
	// Output:
	// version 2 positions [1 2]
	// conflict: expected 1 actual 2
}

func ExampleStore_ReadStream() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	s, err := es.Open(filepath.Join(dir, "gamebot.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Append(ctx, "game-1", es.NoStream, exampleGame(time.Now().Add(-time.Minute))...); err != nil {
		log.Fatal(err)
	}

	events, err := s.ReadStream(ctx, "game-1", 1, 100)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range events {
		fmt.Println(e.Version, e.EventType)
		if g, ok := e.Event.(*es.GuessProcessed); ok {
			fmt.Println("  words:", g.Player1Word, g.Player2Word, "score:", *g.MatchScore)
		}
	}
	_, err = s.ReadStream(ctx, "game-2", 1, 100)
	fmt.Println(errors.Is(err, es.ErrStreamNotFound))
	// Output:
	// 1 game_started
	// 2 guess_processed
	//   words: tea tea score: 10
	// true
}

func ExampleStore_Tx() {
	s, err := es.Open(":memory:", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	game := exampleGame(time.Now().Add(-time.Minute))

	// Both games start together or not at all.
	err = s.Tx(ctx, "42", func(tx *es.Tx) error {
		if _, err := tx.Append(ctx, "game-1", es.NoStream, game[0]); err != nil {
			return err
		}
		_, err := tx.Append(ctx, "game-1", 1, game[1])
		return err
	})
	fmt.Println(err)
	v, _ := s.StreamVersion(ctx, "game-1")
	fmt.Println("version", v)
	// Output:
	// <nil>
	// version 2
}
