package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/gamebot/eventstore"
)

// Sixty-four appenders start at the same moment on a handful of shared
// streams, with right and wrong expected versions and some invalid events.
// Whatever the writer merges into one commit, every call must be answered as
// if it had run alone.
func TestStore_Append_GroupCommit(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	const shared = 4
	for k := range shared {
		mustAppend(t, s, fmt.Sprintf("shared-%d", k), eventstore.NoStream, notes(fmt.Sprintf("seed%d", k), 2)...)
	}
	commits0, requests0 := eventstore.CommitStats(s)

	// Roles by i%8; shared-k gets four racers at its version, whose single
	// winner takes it to version 3.
	type call struct {
		stream   string
		expected eventstore.ExpectedVersion
		events   []eventstore.Event
		wantErr  error
		racer    bool
	}
	const writers = 64
	calls := make([]call, writers)
	for i := range calls {
		k := (i / 8) % shared
		sharedID := fmt.Sprintf("shared-%d", k)
		prefix := fmt.Sprintf("w%d", i)
		c := &calls[i]
		switch i % 8 {
		case 0, 1:
			*c = call{stream: sharedID, expected: 2, events: notes(prefix, 1), racer: true}
		case 2:
			*c = call{stream: sharedID, expected: 1, events: notes(prefix, 1), wantErr: eventstore.ErrWrongExpectedVersion}
		case 3:
			*c = call{stream: sharedID, expected: eventstore.NoStream, events: notes(prefix, 2), wantErr: eventstore.ErrWrongExpectedVersion}
		case 4:
			*c = call{stream: sharedID, expected: 2, events: append(notes(prefix, 2), &note{}), wantErr: eventstore.ErrInvalidEventData}
		case 5:
			*c = call{stream: "any", expected: eventstore.Any, events: notes(prefix, 2)}
		case 6:
			*c = call{stream: "own-" + prefix, expected: eventstore.NoStream, events: notes(prefix, 3)}
		case 7:
			*c = call{stream: "own-" + prefix, expected: 0, events: notes(prefix, 1)}
		}
	}

	results := make([]eventstore.AppendResult, writers)
	errs := make([]error, writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range calls {
		wg.Go(func() {
			<-start
			results[i], errs[i] = s.Append(ctx, calls[i].stream, calls[i].expected, calls[i].events...)
		})
	}
	close(start)
	wg.Wait()

	// Exactly the right calls succeeded; one racer per shared stream.
	wins := make(map[string]int)
	acknowledged := make(map[string]bool) // texts of acknowledged events
	for k := range shared {
		acknowledged[fmt.Sprintf("seed%d-1", k)] = true
		acknowledged[fmt.Sprintf("seed%d-2", k)] = true
	}
	for i, c := range calls {
		err := errs[i]
		switch {
		case c.racer && err == nil:
			wins[c.stream]++
			if results[i].Version != 3 {
				t.Errorf("call %d: winning racer got version %d, want 3", i, results[i].Version)
			}
		case c.racer:
			var ve *eventstore.VersionError
			if !errors.As(err, &ve) || ve.Actual != 3 {
				t.Errorf("call %d: losing racer: err = %v, want a VersionError with actual 3", i, err)
			}
			continue
		case !errors.Is(err, c.wantErr):
			t.Errorf("call %d (%s, expected %v): err = %v, want %v", i, c.stream, c.expected, err, c.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if len(results[i].Positions) != len(c.events) {
			t.Errorf("call %d: %d positions for %d events", i, len(results[i].Positions), len(c.events))
		}
		for _, e := range c.events {
			acknowledged[e.(*note).Text] = true
		}
	}
	for k := range shared {
		if id := fmt.Sprintf("shared-%d", k); wins[id] != 1 {
			t.Errorf("%s: %d racers won, want exactly 1", id, wins[id])
		}
	}

	// Every acknowledged event is stored, where its call was told, and
	// nothing else: failed calls left nothing behind.
	all, err := s.ReadAll(ctx, 0, 1000, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	stored := make(map[string]bool)
	byPosition := make(map[int64]eventstore.RecordedEvent)
	for _, r := range all {
		stored[r.Event.(*note).Text] = true
		byPosition[r.Position] = r
	}
	for text := range acknowledged {
		if !stored[text] {
			t.Errorf("acknowledged event %q is missing", text)
		}
	}
	for text := range stored {
		if !acknowledged[text] {
			t.Errorf("event %q is stored but its call failed", text)
		}
	}
	for i, c := range calls {
		if errs[i] != nil {
			continue
		}
		for j, p := range results[i].Positions {
			r, ok := byPosition[p]
			if !ok || r.StreamID != c.stream || r.EventID != results[i].EventIDs[j] ||
				r.Version != results[i].Version-int64(len(c.events)-1-j) {
				t.Errorf("call %d event %d: position %d holds %+v", i, j, p, r)
			}
		}
	}

	// Positions are dense and versions contiguous in every stream.
	last := make(map[string]int64)
	for i, r := range all {
		if r.Position != int64(i+1) {
			t.Fatalf("event %d has position %d: positions must be dense", i, r.Position)
		}
		if r.Version != last[r.StreamID]+1 {
			t.Errorf("stream %s: version %d after %d", r.StreamID, r.Version, last[r.StreamID])
		}
		last[r.StreamID] = r.Version
	}
	if got, want := last["any"], int64(2*writers/8); got != want {
		t.Errorf("stream any has version %d, want %d", got, want)
	}

	// The writer really merged calls: fewer commits than committed calls.
	commits, requests := eventstore.CommitStats(s)
	commits, requests = commits-commits0, requests-requests0
	t.Logf("%d committed calls in %d commits", requests, commits)
	if want := int64(4 + 8 + 8 + 8); requests != want {
		t.Errorf("%d calls committed, want %d", requests, want)
	}
	if commits >= requests {
		t.Errorf("%d commits for %d calls: appends were not grouped", commits, requests)
	}
}
