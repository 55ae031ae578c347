package eventstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gamebot/eventstore"
)

func ExampleStore_Subscribe() {
	dir, err := os.MkdirTemp("", "eventstore-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	registry := eventstore.NewRegistry()
	if err := registry.Register(func() eventstore.Event { return &note{} }); err != nil {
		panic(err)
	}
	s, err := eventstore.Open(filepath.Join(dir, "bot.db"), &eventstore.Options{
		Serializer: eventstore.NewJSONSerializer(registry),
	})
	if err != nil {
		panic(err)
	}
	defer s.Close()

	ctx := context.Background()
	if _, err := s.Append(ctx, "game-1", eventstore.NoStream, &note{Text: "started"}, &note{Text: "guessed"}); err != nil {
		panic(err)
	}

	// Catch up with the stored events, then wait for new ones.
	sub, err := s.Subscribe(ctx, eventstore.AllStreams, nil)
	if err != nil {
		panic(err)
	}
	defer sub.Close()
	for range 2 {
		rec, err := sub.Next(ctx)
		if err != nil {
			panic(err)
		}
		fmt.Println(rec.Position, rec.StreamID, rec.Version, rec.Event.(*note).Text)
	}
	if _, err := s.Append(ctx, "game-2", eventstore.NoStream, &note{Text: "live"}); err != nil {
		panic(err)
	}
	rec, err := sub.Next(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(rec.Position, rec.StreamID, rec.Version, rec.Event.(*note).Text)
	// Output:
	// 1 game-1 1 started
	// 2 game-1 2 guessed
	// 3 game-2 1 live
}
