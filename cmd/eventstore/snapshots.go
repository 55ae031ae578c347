package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gamebot/eventstore"
)

// verifySnapshots checks the newest valid snapshot of each game against its
// stream: the snapshot must decode, equal the state folded from the stream
// up to its version, and recovery resumed from it must end where recovery
// from the start does.
func verifySnapshots(ctx context.Context, s *eventstore.Store, games []string) []problem {
	var out []problem
	for _, id := range games {
		snap, err := s.LoadSnapshot(ctx, id, eventstore.GameStateSchemaVersion)
		if errors.Is(err, eventstore.ErrSnapshotNotFound) {
			continue
		}
		fail := func(format string, args ...any) {
			out = append(out, problem{"snapshot", id, snap.Version, snap.Position, fmt.Sprintf(format, args...)})
		}
		if err != nil {
			fail("%v", err)
			continue
		}
		var saved eventstore.GameState
		if err := json.Unmarshal(snap.State, &saved); err != nil {
			fail("snapshot does not decode: %v", err)
			continue
		}
		folded, err := foldTo(ctx, s, id, snap.Version)
		if err != nil {
			continue // recovery reports the stream's own problem
		}
		if !sameState(&saved, folded) {
			fail("snapshot differs from the state folded from the stream up to its version")
			continue
		}
		full, err := eventstore.RecoverGameFrom(ctx, s, id, nil)
		if err != nil {
			continue
		}
		resumed, err := eventstore.RecoverGameFrom(ctx, s, id, &saved)
		if err != nil {
			fail("recovery from the snapshot fails: %v", err)
		} else if !sameState(resumed, full) {
			fail("recovery from the snapshot differs from recovery from the start")
		}
	}
	return out
}

// foldTo folds a game stream's events up to version.
func foldTo(ctx context.Context, s *eventstore.Store, id string, version int64) (*eventstore.GameState, error) {
	g := &eventstore.GameState{}
	for r, err := range s.StreamEvents(ctx, id, 1) {
		if err != nil {
			return nil, err
		}
		if r.Version > version {
			break
		}
		if err := g.Apply(r); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// sameState compares two states by their deterministic JSON form.
func sameState(a, b *eventstore.GameState) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}
