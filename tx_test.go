package eventstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gamebot/eventstore"
	"github.com/rs/zerolog"
)

func TestStore_Tx_CommitsAcrossStreams(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	err := s.Tx(ctx, "guild-1", func(tx *eventstore.Tx) error {
		if _, err := tx.Append(ctx, "game-1", eventstore.NoStream, notes("g", 2)...); err != nil {
			return err
		}
		if _, err := tx.Append(ctx, "guild-1-log", eventstore.NoStream, notes("l", 1)...); err != nil {
			return err
		}
		// Reads inside see the transaction's writes.
		v, err := tx.StreamVersion(ctx, "game-1")
		if err != nil || v != 2 {
			return fmt.Errorf("version inside = %d, %v", v, err)
		}
		recs, err := tx.ReadStream(ctx, "game-1", 0, 10)
		if err != nil || len(recs) != 2 {
			return fmt.Errorf("read inside = %d, %v", len(recs), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := s.ReadAll(ctx, 0, 10, eventstore.Filter{})
	if len(all) != 3 {
		t.Errorf("%d events committed, want 3", len(all))
	}
}

func TestStore_Tx_FailureRollsBackEverything(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 1)...)
	boom := errors.New("boom")
	err := s.Tx(ctx, "guild-7", func(tx *eventstore.Tx) error {
		if _, err := tx.Append(ctx, "a", 1, notes("a", 2)...); err != nil {
			return err
		}
		if _, err := tx.Append(ctx, "b", eventstore.NoStream, notes("b", 2)...); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	var ge *eventstore.GuildError
	if !errors.As(err, &ge) || ge.GuildID != "guild-7" || !strings.Contains(err.Error(), "guild-7") {
		t.Errorf("err = %v, want it to carry guild-7", err)
	}
	if v, _ := s.StreamVersion(ctx, "a"); v != 1 {
		t.Errorf("stream a version = %d, want 1", v)
	}
	if v, _ := s.StreamVersion(ctx, "b"); v != 0 {
		t.Errorf("stream b version = %d, want 0", v)
	}
	// No position was consumed by the rolled-back work.
	if res := mustAppend(t, s, "c", eventstore.NoStream, notes("c", 1)...); res.Positions[0] != 2 {
		t.Errorf("next position = %d, want 2", res.Positions[0])
	}
}

func TestStore_Tx_FailedAppendInsideLeavesNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	err := s.Tx(ctx, "g", func(tx *eventstore.Tx) error {
		if _, err := tx.Append(ctx, "a", eventstore.NoStream, notes("a", 1)...); err != nil {
			return err
		}
		// This append fails its version check; the Tx goes on and commits.
		if _, err := tx.Append(ctx, "a", 5, notes("x", 1)...); !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
			return fmt.Errorf("inner append: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := s.ReadStream(ctx, "a", 0, 10)
	if got := texts(t, recs); len(got) != 1 || got[0] != "a-1" {
		t.Errorf("stream a = %v, want [a-1]", got)
	}
}

func TestStore_Tx_PanicRollsBackAndRepanics(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	func() {
		defer func() {
			if p := recover(); p != "kaboom" {
				t.Errorf("recovered %v, want kaboom", p)
			}
		}()
		s.Tx(ctx, "g", func(tx *eventstore.Tx) error {
			tx.Append(ctx, "a", eventstore.NoStream, notes("a", 1)...)
			panic("kaboom")
		})
	}()
	if v, _ := s.StreamVersion(ctx, "a"); v != 0 {
		t.Errorf("version after panic = %d, want 0", v)
	}
	// The store still works.
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 1)...)
}

func TestStore_Tx_UseAfterEnd(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	var kept *eventstore.Tx
	if err := s.Tx(ctx, "g", func(tx *eventstore.Tx) error { kept = tx; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := kept.Append(ctx, "a", eventstore.Any, notes("a", 1)...); err == nil {
		t.Error("Append on an ended Tx succeeded")
	}
}

// Concurrent transactions and appends commit in groups and all keep their
// own checks.
func TestStore_Tx_Concurrent(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			err := s.Tx(ctx, "g", func(tx *eventstore.Tx) error {
				for _, id := range []string{"shared", fmt.Sprintf("own-%d", i)} {
					if _, err := tx.Append(ctx, id, eventstore.Any, notes(id, 1)...); err != nil {
						return err
					}
				}
				if i%4 == 0 {
					return errors.New("rolled back on purpose")
				}
				return nil
			})
			if (err != nil) != (i%4 == 0) {
				t.Errorf("tx %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if v, _ := s.StreamVersion(ctx, "shared"); v != 15 {
		t.Errorf("shared version = %d, want 15", v)
	}
}

func TestStore_Tx_LogsGuild(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	logger := zerolog.New(&buf)
	opts := testOptions(t)
	opts.Logger = &logger
	var ops []eventstore.Operation
	var mu sync.Mutex
	opts.OnOperation = func(op eventstore.Operation) { mu.Lock(); ops = append(ops, op); mu.Unlock() }
	s, _ := mustOpen(t, opts)
	s.Tx(ctx, "guild-42", func(tx *eventstore.Tx) error {
		_, err := tx.Append(ctx, "a", eventstore.NoStream, notes("a", 1)...)
		return err
	})
	mustAppend(t, s, "b", eventstore.NoStream, notes("b", 1)...)
	out := buf.String()
	for _, want := range []string{`"guild_id":"guild-42"`, `"op":"tx"`, `"op":"append"`, `"stream_id":"b"`, `"duration"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	if len(ops) != 2 || ops[0].Name != "tx" || ops[0].GuildID != "guild-42" || ops[1].Name != "append" || ops[1].Events != 1 {
		t.Errorf("operations = %+v", ops)
	}
}
