package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

// Ten writers append 10,000 events while a subscriber to $all that started
// mid-way from position 0 receives every event exactly once, in position
// order.
func TestSubscription_AllStreams_ConcurrentWriters(t *testing.T) {
	const writers, perCall = 10, 5
	total := 10000
	if testing.Short() {
		total = 1000
	}
	s, _ := mustOpen(t, subOptions(t))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			stream := fmt.Sprintf("writer-%d", w)
			for i := 0; i < total/writers; i += perCall {
				if _, err := s.Append(ctx, stream, eventstore.Any, notes(fmt.Sprint(i), perCall)...); err != nil {
					t.Errorf("%s: %v", stream, err)
					return
				}
			}
		})
	}
	// Start once a fifth of the events are stored.
	for {
		last, err := s.ReadAllBackward(ctx, -1, 1, eventstore.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(last) > 0 && last[0].Position >= int64(total/5) {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the writers did not store a fifth of the events in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
	sub := mustSubscribe(t, s, "", eventstore.AllStreams, &eventstore.SubscribeOptions{From: 0})

	seen := make(map[string]bool, total)
	versions := make(map[string]int64)
	for i := range total {
		rec, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("Next after %d of %d events: %v", i, total, err)
		}
		if rec.Position != int64(i+1) {
			t.Fatalf("event %d has position %d: want every position once, in order", i, rec.Position)
		}
		if seen[rec.EventID] {
			t.Fatalf("event %s delivered twice", rec.EventID)
		}
		seen[rec.EventID] = true
		if rec.Version != versions[rec.StreamID]+1 {
			t.Fatalf("stream %s: version %d after %d", rec.StreamID, rec.Version, versions[rec.StreamID])
		}
		versions[rec.StreamID] = rec.Version
	}
	wg.Wait()
	expectNone(t, sub, 100*time.Millisecond)
}

func TestSubscription_OneStream(t *testing.T) {
	s, _ := mustOpen(t, subOptions(t))
	for range 3 {
		mustAppend(t, s, "a", eventstore.Any, notes("a", 2)...)
		mustAppend(t, s, "b", eventstore.Any, notes("b", 1)...)
	}
	sub := mustSubscribe(t, s, "", "a", &eventstore.SubscribeOptions{From: 3})
	got := nextN(t, sub, 4, 5*time.Second)
	var versions []int64
	for _, r := range got {
		if r.StreamID != "a" {
			t.Fatalf("event of stream %q delivered to a subscription of \"a\"", r.StreamID)
		}
		versions = append(versions, r.Version)
	}
	if diff := cmp.Diff([]int64{3, 4, 5, 6}, versions); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
	// Live: another stream's event is not delivered, the stream's is.
	mustAppend(t, s, "b", eventstore.Any, notes("b", 1)...)
	expectNone(t, sub, 100*time.Millisecond)
	res := mustAppend(t, s, "a", 6, notes("a", 1)...)
	if got := nextN(t, sub, 1, 5*time.Second); got[0].Position != res.Positions[0] {
		t.Errorf("live event at position %d, want %d", got[0].Position, res.Positions[0])
	}
}

// A stream subscription started before the stream exists sees it appear.
func TestSubscription_StreamNotYetWritten(t *testing.T) {
	s, _ := mustOpen(t, subOptions(t))
	sub := mustSubscribe(t, s, "", "later", nil)
	expectNone(t, sub, 50*time.Millisecond)
	mustAppend(t, s, "later", eventstore.NoStream, notes("x", 2)...)
	if got := nextN(t, sub, 2, 5*time.Second); got[1].Version != 2 {
		t.Errorf("second event has version %d, want 2", got[1].Version)
	}
}

func TestSubscription_StreamSoftDeleted(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, subOptions(t))
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 2)...)
	sub := mustSubscribe(t, s, "", "a", nil)
	nextN(t, sub, 2, 5*time.Second)
	if err := s.DeleteStream(ctx, "a", 2, eventstore.SoftDelete); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := sub.Next(wctx); !errors.Is(err, eventstore.ErrStreamDeleted) {
		t.Errorf("Next after soft delete: err = %v, want ErrStreamDeleted", err)
	}
}

func TestSubscription_Filters(t *testing.T) {
	s, _ := mustOpen(t, subOptions(t))
	withGuild := func(text, guild string) *note {
		return &note{Text: text, Meta: eventstore.Metadata{GuildID: guild}}
	}
	mustAppend(t, s, "game_1", eventstore.Any, withGuild("a", "g1"), &tick{N: 1}) // 1, 2
	mustAppend(t, s, "game%1", eventstore.Any, withGuild("b", "g2"))              // 3
	mustAppend(t, s, "gameX1", eventstore.Any, &tick{N: 2})                       // 4
	mustAppend(t, s, "game_10", eventstore.Any, withGuild("c", "g1"))             // 5
	tests := []struct {
		name   string
		stream string
		filter eventstore.Filter
		want   []int64
	}{
		{"event type", eventstore.AllStreams, eventstore.Filter{EventType: "tick"}, []int64{2, 4}},
		{"guild", eventstore.AllStreams, eventstore.Filter{GuildID: "g1"}, []int64{1, 5}},
		{"literal prefix", eventstore.AllStreams, eventstore.Filter{StreamPrefix: "game_1"}, []int64{1, 2, 5}},
		{"percent is no wildcard", eventstore.AllStreams, eventstore.Filter{StreamPrefix: "game%"}, []int64{3}},
		{"combined", eventstore.AllStreams, eventstore.Filter{StreamPrefix: "game_", EventType: "note", GuildID: "g1"}, []int64{1, 5}},
		{"stream and type", "game_1", eventstore.Filter{EventType: "tick"}, []int64{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := mustSubscribe(t, s, "", tt.stream, &eventstore.SubscribeOptions{Filter: tt.filter})
			got := nextN(t, sub, len(tt.want), 5*time.Second)
			if diff := cmp.Diff(tt.want, positions(got)); diff != "" {
				t.Errorf("positions (-want +got):\n%s", diff)
			}
			expectNone(t, sub, 30*time.Millisecond)
		})
	}
}

func TestSubscription_FromPosition(t *testing.T) {
	s, _ := mustOpen(t, subOptions(t))
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 6)...)
	for _, from := range []int64{0, 1, 4, 6} {
		sub := mustSubscribe(t, s, "", eventstore.AllStreams, &eventstore.SubscribeOptions{From: from})
		want := span(max(from, 1), 6)
		if got := positions(nextN(t, sub, len(want), 5*time.Second)); !cmp.Equal(want, got) {
			t.Errorf("From %d: positions %v, want %v", from, got, want)
		}
	}
}

func TestSubscription_FromNow(t *testing.T) {
	s, _ := mustOpen(t, subOptions(t))
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 3)...)
	all := mustSubscribe(t, s, "", eventstore.AllStreams, &eventstore.SubscribeOptions{From: eventstore.FromNow})
	one := mustSubscribe(t, s, "", "a", &eventstore.SubscribeOptions{From: eventstore.FromNow})
	expectNone(t, all, 50*time.Millisecond)
	expectNone(t, one, 10*time.Millisecond)
	mustAppend(t, s, "b", eventstore.NoStream, notes("b", 1)...)
	mustAppend(t, s, "a", 3, notes("a", 1)...)
	if got := positions(nextN(t, all, 2, 5*time.Second)); !cmp.Equal(got, []int64{4, 5}) {
		t.Errorf("$all from now: positions %v, want [4 5]", got)
	}
	if got := positions(nextN(t, one, 1, 5*time.Second)); !cmp.Equal(got, []int64{5}) {
		t.Errorf("stream from now: positions %v, want [5]", got)
	}
}

func TestStore_Subscribe_Errors(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, subOptions(t))
	tests := []struct {
		name    string
		sub     string
		stream  string
		from    int64
		wantErr error // nil: any error
	}{
		{"invalid stream", "", "$games", 0, eventstore.ErrInvalidStreamID},
		{"empty stream", "", "", 0, eventstore.ErrInvalidStreamID},
		{"from below FromNow", "", eventstore.AllStreams, -2, eventstore.ErrInvalidStartVersion},
		{"empty name", "", eventstore.AllStreams, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			opts := &eventstore.SubscribeOptions{From: tt.from}
			if tt.name == "empty name" {
				_, err = s.SubscribeNamed(ctx, "", tt.stream, opts)
			} else {
				_, err = s.Subscribe(ctx, tt.stream, opts)
			}
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
	s.Close()
	if _, err := s.Subscribe(ctx, eventstore.AllStreams, nil); !errors.Is(err, eventstore.ErrConnection) {
		t.Errorf("closed store: err = %v, want ErrConnection", err)
	}
}

// Close, the Subscribe context, the Next context and closing the store all
// end a waiting Next promptly, and leave no goroutine behind.
func TestSubscription_EndsPromptly(t *testing.T) {
	s, _ := mustOpen(t, subOptions(t))
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 1)...)
	baseline := runtime.NumGoroutine()
	fromNow := &eventstore.SubscribeOptions{From: eventstore.FromNow} // Next waits at once

	waitNext := func(t *testing.T, sub *eventstore.Subscription, ctx context.Context, stop func(), want error) {
		t.Helper()
		errc := make(chan error, 1)
		go func() {
			_, err := sub.Next(ctx)
			errc <- err
		}()
		time.Sleep(30 * time.Millisecond) // let Next start waiting; the result does not depend on it
		stop()
		select {
		case err := <-errc:
			if !errors.Is(err, want) {
				t.Errorf("Next: err = %v, want %v", err, want)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("Next did not return within 2s (want %v)", want)
		}
	}

	t.Run("Close", func(t *testing.T) {
		sub := mustSubscribe(t, s, "", eventstore.AllStreams, fromNow)
		waitNext(t, sub, context.Background(), func() { sub.Close() }, eventstore.ErrSubscriptionClosed)
		if _, err := sub.Next(context.Background()); !errors.Is(err, eventstore.ErrSubscriptionClosed) {
			t.Errorf("Next after Close: err = %v, want ErrSubscriptionClosed", err)
		}
	})
	t.Run("Subscribe context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		sub, err := s.Subscribe(ctx, eventstore.AllStreams, fromNow)
		if err != nil {
			t.Fatal(err)
		}
		waitNext(t, sub, context.Background(), cancel, context.Canceled)
	})
	t.Run("Next context", func(t *testing.T) {
		sub := mustSubscribe(t, s, "", eventstore.AllStreams, fromNow)
		ctx, cancel := context.WithCancel(context.Background())
		waitNext(t, sub, ctx, cancel, context.Canceled)
		// Only that call ended: the subscription goes on.
		mustAppend(t, s, "a", eventstore.Any, notes("b", 1)...)
		nextN(t, sub, 1, 5*time.Second)
	})
	waitGoroutines(t, baseline)

	t.Run("store closed", func(t *testing.T) {
		sub := mustSubscribe(t, s, "", eventstore.AllStreams, fromNow)
		waitNext(t, sub, context.Background(), func() { s.Close() }, eventstore.ErrConnection)
	})
	waitGoroutines(t, baseline)
}

func TestSubscription_EventsIterator(t *testing.T) {
	s, _ := mustOpen(t, subOptions(t))
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 5)...)
	sub := mustSubscribe(t, s, "", eventstore.AllStreams, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got []int64
	for rec, err := range sub.Events(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, rec.Position)
		if len(got) == 3 {
			break
		}
	}
	// The loop can be resumed, and Close ends it without an error.
	within(t, 5*time.Second, "the iterator after Close", func() {
		for rec, err := range sub.Events(ctx) {
			if err != nil {
				t.Error(err)
				return
			}
			got = append(got, rec.Position)
			if len(got) == 5 {
				sub.Close()
			}
		}
	})
	if !cmp.Equal(got, span(1, 5)) {
		t.Errorf("positions %v, want 1 to 5", got)
	}
}

// An in-process commit wakes a waiting subscription at once, without
// waiting for the poll.
func TestSubscription_WakesOnCommit(t *testing.T) {
	opts := subOptions(t)
	opts.PollInterval = time.Hour
	s, _ := mustOpen(t, opts)
	sub := mustSubscribe(t, s, "", eventstore.AllStreams, &eventstore.SubscribeOptions{From: eventstore.FromNow})
	got := make(chan eventstore.RecordedEvent, 1)
	go func() {
		rec, err := sub.Next(context.Background())
		if err != nil {
			t.Error(err)
		}
		got <- rec
	}()
	time.Sleep(20 * time.Millisecond) // let Next wait; the result does not depend on it
	res := mustAppend(t, s, "a", eventstore.NoStream, notes("a", 1)...)
	select {
	case rec := <-got:
		if rec.Position != res.Positions[0] {
			t.Errorf("delivered position %d, want %d", rec.Position, res.Positions[0])
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the commit did not wake the subscription within 5s (the poll is an hour away)")
	}
}
