package eventstore

import (
	"context"
	"errors"
	"iter"
	"testing"
	"time"
)

type counted struct{}

func (counted) EventType() string { return "counted" }
func (counted) EventVersion() int { return 1 }

// flakySource yields versions from..last of a synthetic stream and fails
// with a transient error at the versions in failAt, once each, or at every
// read when always is set.
func flakySource(last int64, failAt map[int64]bool, always bool) eventSource {
	return func(ctx context.Context, streamID string, from int64) iter.Seq2[RecordedEvent, error] {
		return func(yield func(RecordedEvent, error) bool) {
			for v := from; v <= last; v++ {
				if always || failAt[v] {
					delete(failAt, v)
					yield(RecordedEvent{}, &dbError{transient: true, err: errors.New("database is locked")})
					return
				}
				if !yield(RecordedEvent{StreamID: streamID, Version: v, Position: 100 + v, Event: counted{}}, nil) {
					return
				}
			}
		}
	}
}

func TestReplay_RetriesTransientReads(t *testing.T) {
	s, err := Open(memoryPath, &Options{RetryDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var seen []int64
	apply := func(n int, rec RecordedEvent) (int, error) {
		seen = append(seen, rec.Version)
		return n + 1, nil
	}

	// Failures with progress between them are each retried.
	state := 0
	var op Operation
	src := flakySource(10, map[int64]bool{1: true, 4: true, 7: true}, false)
	at, err := replay(context.Background(), s, src, "g", replayAnchor{}, &state, apply, &op)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	if state != 10 || at.version != 10 || op.Events != 10 || op.Retries != 3 {
		t.Errorf("state %d, version %d, events %d, retries %d; want 10, 10, 10, 3", state, at.version, op.Events, op.Retries)
	}
	for i, v := range seen {
		if v != int64(i+1) {
			t.Fatalf("apply saw versions %v, want 1 to 10 once each", seen)
		}
	}

	// A read that keeps failing gives up after Options.MaxRetries.
	state, op = 0, Operation{}
	_, err = replay(context.Background(), s, flakySource(10, nil, true), "g", replayAnchor{}, &state, apply, &op)
	if !errors.Is(err, ErrConnection) || op.Retries != DefaultMaxRetries {
		t.Errorf("err = %v after %d retries, want ErrConnection after %d", err, op.Retries, DefaultMaxRetries)
	}
}
