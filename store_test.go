package eventstore_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
	"github.com/rs/zerolog"
)

func TestOpen_Reopen(t *testing.T) {
	s, path := mustOpen(t, nil)
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 3)...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := eventstore.Open(path, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	res := mustAppend(t, s2, "a", 3, notes("b", 1)...)
	if res.Version != 4 || res.Positions[0] != 4 {
		t.Errorf("after reopen: %+v, want version 4 position 4", res)
	}
}

func TestStore_Close(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 1)...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := s.Append(ctx, "a", eventstore.Any, notes("b", 1)...); !errors.Is(err, eventstore.ErrConnection) {
		t.Errorf("Append after Close: err = %v, want ErrConnection", err)
	}
	if _, err := s.ReadStream(ctx, "a", 0, 1); !errors.Is(err, eventstore.ErrConnection) {
		t.Errorf("ReadStream after Close: err = %v, want ErrConnection", err)
	}
}

// A transaction that meets a lock held by another connection is retried
// with backoff until the lock is gone.
func TestStore_Tx_RetriesTransientFailures(t *testing.T) {
	ctx := context.Background()
	opts := testOptions(t)
	opts.BusyTimeout = 20 * time.Millisecond
	opts.RetryDelay = 40 * time.Millisecond
	var retries atomic.Int64
	opts.OnOperation = func(op eventstore.Operation) { retries.Add(int64(op.Retries)) }
	s, path := mustOpen(t, opts)
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 1)...)

	// Another connection takes the write lock for a while.
	db := rawDB(t, path)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(60 * time.Millisecond)
		conn.ExecContext(ctx, "ROLLBACK")
	}()

	runs := 0
	err = s.Tx(ctx, "g", func(tx *eventstore.Tx) error {
		runs++
		_, err := tx.Append(ctx, "a", 1, notes("b", 1)...)
		return err
	})
	if err != nil {
		t.Fatalf("Tx: %v", err)
	}
	if retries.Load() == 0 {
		t.Error("the busy file was not retried")
	}
	if v, _ := s.StreamVersion(ctx, "a"); v != 2 {
		t.Errorf("version = %d, want 2", v)
	}
	t.Logf("fn ran %d times, %d retries", runs, retries.Load())
}

// Validation and concurrency errors are never retried.
func TestStore_Tx_DoesNotRetryDomainErrors(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	runs := 0
	err := s.Tx(ctx, "g", func(tx *eventstore.Tx) error {
		runs++
		_, err := tx.Append(ctx, "a", 7, notes("a", 1)...)
		return err
	})
	if !errors.Is(err, eventstore.ErrWrongExpectedVersion) || runs != 1 {
		t.Errorf("err = %v after %d runs, want ErrWrongExpectedVersion after 1", err, runs)
	}
}

func TestStore_Append_BusyPastBudgetIsConnectionError(t *testing.T) {
	ctx := context.Background()
	opts := testOptions(t)
	opts.BusyTimeout = 10 * time.Millisecond
	opts.RetryDelay = time.Millisecond
	opts.MaxRetries = 2
	var logs bytes.Buffer
	logger := zerolog.New(&logs)
	opts.Logger = &logger
	s, path := mustOpen(t, opts)
	db := rawDB(t, path)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Append(ctx, "a", eventstore.Any, notes("a", 1)...)
	conn.ExecContext(ctx, "ROLLBACK")
	if !errors.Is(err, eventstore.ErrConnection) {
		t.Fatalf("err = %v, want ErrConnection", err)
	}
	// Each retry is logged with the operation and its stream.
	if n := strings.Count(logs.String(), `"op":"append","retry":`); n != 2 {
		t.Errorf("%d retry lines, want 2:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), `"stream_id":"a","message":"eventstore: retrying write"`) {
		t.Errorf("retry lines do not name the stream:\n%s", logs.String())
	}
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 1)...)
}
