package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// SaveGameSnapshot saves g as a snapshot of its game stream at g.Version,
// with the state schema version GameStateSchemaVersion, so that RecoverGame
// can start from it. Errors are those of Store.SaveSnapshot, plus
// ErrSerializationFailed when g cannot be encoded. It is safe for concurrent
// use.
func SaveGameSnapshot(ctx context.Context, s *Store, g *GameState) error {
	if g == nil {
		return fmt.Errorf("%w: nil game state", ErrSerializationFailed)
	}
	state, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("%w: game state of %q: %w", ErrSerializationFailed, g.GameID, err)
	}
	return s.SaveSnapshot(ctx, g.GameID, g.Version, GameStateSchemaVersion, state)
}

// loadGameSnapshot returns the state of the newest valid snapshot of the
// game, or nil when there is none or it cannot be used. Failures are logged,
// not returned: recovery from the first event is always possible.
func (s *Store) loadGameSnapshot(ctx context.Context, gameID string) *GameState {
	snap, err := s.LoadSnapshot(ctx, gameID, GameStateSchemaVersion)
	if err != nil {
		if !errors.Is(err, ErrSnapshotNotFound) {
			s.opts.Logger.Warn().Err(err).Str("stream_id", gameID).Msg("eventstore: loading a game snapshot failed")
		}
		return nil
	}
	var g GameState
	if err := json.Unmarshal(snap.State, &g); err != nil || g.Version != snap.Version {
		s.opts.Logger.Warn().Err(err).Str("stream_id", gameID).Int64("version", snap.Version).
			Msg("eventstore: passing over a game snapshot that does not decode")
		return nil
	}
	return &g
}
