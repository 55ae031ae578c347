package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"
)

// Recoverer rebuilds a state of type S from a stream: it loads the newest
// valid snapshot of the state's schema version, decodes it, and replays only
// the events after it (see Replay). Set its fields once and use it from any
// number of goroutines; it keeps no state between calls.
//
// Store and Apply are required; every other zero field has a documented
// meaning.
type Recoverer[S any] struct {
	// Store holds the stream and its snapshots.
	Store *Store
	// Apply folds one event into the state, as for Replay.
	Apply func(S, RecordedEvent) (S, error)
	// New returns the state before the first event; nil means the zero S.
	New func() S
	// SchemaVersion is the schema version of the encoded state, 1 or more:
	// snapshots of any other schema version are ignored. Change it whenever
	// the encoding of S or the meaning of Apply changes. 0 turns snapshots
	// off: Recover replays from version 1 and saves nothing.
	SchemaVersion int
	// SnapshotEvery, above 0, makes Recover save a snapshot when it folded
	// in at least this many events after the snapshot it started from. 0
	// means Recover never saves one (the caller may, with Save).
	SnapshotEvery int
	// Marshal encodes a state for a snapshot; nil means json.Marshal.
	Marshal func(S) ([]byte, error)
	// Unmarshal decodes a snapshot's state; nil means json.Unmarshal into
	// the state New returns.
	Unmarshal func([]byte) (S, error)
}

// Recovered is a state rebuilt by Recoverer.Recover.
type Recovered[S any] struct {
	State           S
	Version         int64 // the stream version State includes
	SnapshotVersion int64 // the version of the snapshot it started from; 0 if none
	Replayed        int   // the events folded in after that snapshot
	Saved           bool  // Recover saved a snapshot at Version (SnapshotEvery)
}

// Recover rebuilds the state of the stream streamID. It starts from the
// newest snapshot that is valid (see Store.LoadSnapshot) and decodes; a
// snapshot that fails to decode is logged and passed over for an older one,
// and with none the replay starts from New at version 1. When SnapshotEvery
// says so it then saves a snapshot at the version reached; a failed save is
// logged and does not fail the recovery.
//
// Errors are those of Replay (the stream absent, soft-deleted, damaged, or
// Apply refusing an event) plus those of LoadSnapshot other than
// ErrSnapshotNotFound; on error the zero Recovered is returned, never a
// partial state.
func (r *Recoverer[S]) Recover(ctx context.Context, streamID string) (Recovered[S], error) {
	if r.Store == nil {
		return Recovered[S]{}, errors.New("eventstore: Recoverer without a Store")
	}
	s := r.Store
	start := time.Now()
	op := Operation{Name: "recover", StreamID: streamID}
	rec, err := r.recover(ctx, &op, streamID)
	op.Err = err
	s.done(&op, start)
	if err != nil {
		return Recovered[S]{}, err
	}
	if r.SchemaVersion > 0 && r.SnapshotEvery > 0 && rec.Replayed >= r.SnapshotEvery {
		rec.Saved = r.Save(ctx, streamID, rec.Version, rec.State) == nil // a failure is logged by Save
	}
	return rec, nil
}

// recover loads a snapshot and replays after it.
func (r *Recoverer[S]) recover(ctx context.Context, op *Operation, streamID string) (Recovered[S], error) {
	if r.Apply == nil {
		return Recovered[S]{}, errors.New("eventstore: Recoverer without an Apply function")
	}
	s := r.Store
	var rec Recovered[S]
	var at replayAnchor
	found := false
	if r.SchemaVersion > 0 {
		// Newest first; a snapshot that does not decode sends us to the one
		// before it.
		for below := int64(math.MaxInt64); ; {
			snap, err := s.loadSnapshot(ctx, op, streamID, r.SchemaVersion, below)
			if errors.Is(err, ErrSnapshotNotFound) {
				break
			}
			if err != nil {
				return Recovered[S]{}, err
			}
			state, err := r.unmarshal(snap.State)
			if err == nil {
				rec.State, rec.SnapshotVersion, found = state, snap.Version, true
				at = replayAnchor{version: snap.Version, position: snap.Position}
				break
			}
			s.opts.Logger.Warn().Err(err).Str("stream_id", streamID).Int64("version", snap.Version).
				Int("state_version", r.SchemaVersion).Msg("eventstore: passing over a snapshot that does not decode")
			below = snap.Version
		}
	}
	if !found {
		rec.State = r.initial()
	}
	at, err := replay(ctx, s, s.StreamEvents, streamID, at, &rec.State, r.Apply, op)
	var re *ReplayError
	if found && errors.As(err, &re) && re.Version == rec.SnapshotVersion && errors.Is(err, ErrStreamNotFound) {
		// The snapshot's event went away after we loaded it (a hard delete
		// meanwhile): start again from scratch.
		rec = Recovered[S]{State: r.initial()}
		op.Events = 0
		at, err = replay(ctx, s, s.StreamEvents, streamID, replayAnchor{}, &rec.State, r.Apply, op)
	}
	if err != nil {
		return Recovered[S]{}, err
	}
	rec.Version, rec.Replayed = at.version, op.Events
	return rec, nil
}

// Save encodes state with Marshal and saves it as a snapshot of the stream
// streamID at version, with the Recoverer's SchemaVersion. Use it to
// snapshot a state kept up to date in memory. Errors are those of
// Store.SaveSnapshot, and ErrSerializationFailed when Marshal fails.
func (r *Recoverer[S]) Save(ctx context.Context, streamID string, version int64, state S) error {
	if r.Store == nil {
		return errors.New("eventstore: Recoverer without a Store")
	}
	data, err := r.marshal(state)
	if err != nil {
		return fmt.Errorf("%w: state of stream %q at version %d: %w", ErrSerializationFailed, streamID, version, err)
	}
	return r.Store.SaveSnapshot(ctx, streamID, version, r.SchemaVersion, data)
}

func (r *Recoverer[S]) initial() S {
	if r.New != nil {
		return r.New()
	}
	var zero S
	return zero
}

func (r *Recoverer[S]) marshal(state S) ([]byte, error) {
	if r.Marshal != nil {
		return r.Marshal(state)
	}
	return json.Marshal(state)
}

func (r *Recoverer[S]) unmarshal(data []byte) (S, error) {
	if r.Unmarshal != nil {
		return r.Unmarshal(data)
	}
	state := r.initial()
	if err := json.Unmarshal(data, &state); err != nil {
		var zero S
		return zero, err
	}
	return state, nil
}
