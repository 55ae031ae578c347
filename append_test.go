package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

// The expected-version truth table of SPEC.md, for every stream state.
func TestStore_Append_ExpectedVersion(t *testing.T) {
	ctx := context.Background()
	states := map[string]func(t *testing.T, s *eventstore.Store, id string){
		"absent": func(t *testing.T, s *eventstore.Store, id string) {},
		"two events": func(t *testing.T, s *eventstore.Store, id string) {
			mustAppend(t, s, id, eventstore.NoStream, notes("a", 2)...)
		},
		"soft-deleted": func(t *testing.T, s *eventstore.Store, id string) {
			mustAppend(t, s, id, eventstore.NoStream, notes("a", 2)...)
			if err := s.DeleteStream(ctx, id, eventstore.Any, eventstore.SoftDelete); err != nil {
				t.Fatal(err)
			}
		},
		"hard-deleted": func(t *testing.T, s *eventstore.Store, id string) {
			mustAppend(t, s, id, eventstore.NoStream, notes("a", 2)...)
			if err := s.DeleteStream(ctx, id, eventstore.Any, eventstore.HardDelete); err != nil {
				t.Fatal(err)
			}
		},
	}
	tests := []struct {
		state    string
		expected eventstore.ExpectedVersion
		events   int
		want     int64 // new version
		wantErr  error
	}{
		{"absent", eventstore.Any, 1, 1, nil},
		{"absent", eventstore.NoStream, 1, 1, nil},
		{"absent", eventstore.StreamExists, 1, 0, eventstore.ErrWrongExpectedVersion},
		{"absent", 0, 1, 1, nil},
		{"absent", 1, 1, 0, eventstore.ErrWrongExpectedVersion},
		{"absent", -4, 1, 0, eventstore.ErrInvalidExpectedVersion},
		{"absent", eventstore.NoStream, 0, 0, nil},
		{"absent", eventstore.StreamExists, 0, 0, eventstore.ErrWrongExpectedVersion},
		{"two events", eventstore.Any, 1, 3, nil},
		{"two events", eventstore.NoStream, 1, 0, eventstore.ErrWrongExpectedVersion},
		{"two events", eventstore.StreamExists, 2, 4, nil},
		{"two events", 2, 1, 3, nil},
		{"two events", 1, 1, 0, eventstore.ErrWrongExpectedVersion},
		{"two events", 3, 1, 0, eventstore.ErrWrongExpectedVersion},
		{"two events", 0, 1, 0, eventstore.ErrWrongExpectedVersion},
		{"two events", 2, 0, 2, nil},
		{"two events", 1, 0, 0, eventstore.ErrWrongExpectedVersion},
		{"soft-deleted", eventstore.Any, 1, 0, eventstore.ErrStreamDeleted},
		{"soft-deleted", eventstore.NoStream, 1, 0, eventstore.ErrStreamDeleted},
		{"soft-deleted", eventstore.StreamExists, 1, 0, eventstore.ErrStreamDeleted},
		{"soft-deleted", 2, 1, 0, eventstore.ErrStreamDeleted},
		{"soft-deleted", eventstore.Any, 0, 0, eventstore.ErrStreamDeleted},
		{"hard-deleted", eventstore.Any, 1, 1, nil},
		{"hard-deleted", eventstore.NoStream, 1, 1, nil},
		{"hard-deleted", 0, 1, 1, nil},
		{"hard-deleted", eventstore.StreamExists, 1, 0, eventstore.ErrWrongExpectedVersion},
		{"hard-deleted", 2, 1, 0, eventstore.ErrWrongExpectedVersion},
	}
	s, _ := mustOpen(t, nil)
	for i, tt := range tests {
		name := fmt.Sprintf("%s/expected=%v/events=%d", tt.state, tt.expected, tt.events)
		t.Run(name, func(t *testing.T) {
			id := fmt.Sprintf("stream-%d", i)
			states[tt.state](t, s, id)
			before, _ := s.ReadAll(ctx, 0, 1000, eventstore.Filter{StreamPrefix: id})
			res, err := s.Append(ctx, id, tt.expected, notes("b", tt.events)...)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Append: err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				after, _ := s.ReadAll(ctx, 0, 1000, eventstore.Filter{StreamPrefix: id})
				if len(after) != len(before) {
					t.Errorf("failed append wrote %d events", len(after)-len(before))
				}
				return
			}
			if res.Version != tt.want {
				t.Errorf("Version = %d, want %d", res.Version, tt.want)
			}
			if len(res.Positions) != tt.events {
				t.Errorf("got %d positions, want %d", len(res.Positions), tt.events)
			}
		})
	}
}

func TestStore_Append_VersionError(t *testing.T) {
	s, _ := mustOpen(t, nil)
	mustAppend(t, s, "game-1", eventstore.NoStream, notes("a", 3)...)
	_, err := s.Append(context.Background(), "game-1", 1, notes("b", 1)...)
	var ve *eventstore.VersionError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *VersionError", err)
	}
	want := &eventstore.VersionError{StreamID: "game-1", Expected: 1, Actual: 3}
	if diff := cmp.Diff(want, ve); diff != "" {
		t.Errorf("VersionError (-want +got):\n%s", diff)
	}
	if !strings.Contains(err.Error(), `"game-1"`) {
		t.Errorf("message %q does not name the stream", err)
	}
}

func TestStore_Append_ReturnsVersionsAndPositions(t *testing.T) {
	s, _ := mustOpen(t, nil)
	r1 := mustAppend(t, s, "a", eventstore.NoStream, notes("a", 3)...)
	r2 := mustAppend(t, s, "b", eventstore.NoStream, notes("b", 2)...)
	r3 := mustAppend(t, s, "a", 3, notes("a", 1)...)
	got := []eventstore.AppendResult{r1, r2, r3}
	for i := range got {
		got[i].EventIDs = nil
	}
	want := []eventstore.AppendResult{
		{Version: 3, Positions: []int64{1, 2, 3}},
		{Version: 2, Positions: []int64{4, 5}},
		{Version: 4, Positions: []int64{6}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// Sixteen appenders race with the same expected version: exactly one wins.
func TestStore_Append_ConcurrentSameExpectedVersion(t *testing.T) {
	s, _ := mustOpen(t, nil)
	mustAppend(t, s, "race", eventstore.NoStream, notes("seed", 1)...)
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.Append(context.Background(), "race", 1, notes(fmt.Sprintf("w%d", i), 1)...)
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		var ve *eventstore.VersionError
		switch {
		case err == nil:
			wins++
		case errors.Is(err, eventstore.ErrWrongExpectedVersion) && errors.As(err, &ve):
			if ve.Expected != 1 || ve.Actual != 2 {
				t.Errorf("VersionError = %+v, want expected 1 actual 2", ve)
			}
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d appenders won, want exactly 1", wins)
	}
	if v, _ := s.StreamVersion(context.Background(), "race"); v != 2 {
		t.Errorf("version = %d, want 2", v)
	}
}

// Sixteen appenders with Any all succeed, with distinct contiguous versions.
func TestStore_Append_ConcurrentAny(t *testing.T) {
	s, _ := mustOpen(t, nil)
	const n = 16
	versions := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			res, err := s.Append(context.Background(), "shared", eventstore.Any, notes(fmt.Sprintf("w%d", i), 1)...)
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
			versions[i] = res.Version
		})
	}
	wg.Wait()
	seen := make(map[int64]bool)
	for _, v := range versions {
		if v < 1 || v > n || seen[v] {
			t.Fatalf("versions %v are not 1..%d, each once", versions, n)
		}
		seen[v] = true
	}
	recs, err := s.ReadStream(context.Background(), "shared", 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		if r.Version != int64(i+1) {
			t.Fatalf("event %d has version %d", i, r.Version)
		}
	}
}

func TestStore_Append_InvalidEventWritesNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	mustAppend(t, s, "s", eventstore.NoStream, notes("a", 1)...)
	batch := append(notes("b", 2), &note{}, &note{Text: "d"})
	_, err := s.Append(ctx, "s", 1, batch...)
	var ee *eventstore.EventError
	if !errors.Is(err, eventstore.ErrInvalidEventData) || !errors.As(err, &ee) || ee.Index != 2 {
		t.Fatalf("err = %v, want ErrInvalidEventData at index 2", err)
	}
	var fe *eventstore.ValidationError
	if !errors.As(err, &fe) || fe.Field != "text" {
		t.Errorf("err = %v, want a ValidationError naming text", err)
	}
	all, _ := s.ReadAll(ctx, 0, 100, eventstore.Filter{})
	if len(all) != 1 {
		t.Errorf("store holds %d events, want 1", len(all))
	}
	// The failed call consumed no position.
	res := mustAppend(t, s, "s", 1, notes("c", 1)...)
	if res.Positions[0] != 2 {
		t.Errorf("next position = %d, want 2", res.Positions[0])
	}
}

type unregistered struct{ note }

func (*unregistered) EventType() string { return "unregistered" }

func TestStore_Append_EventTypeErrors(t *testing.T) {
	s, _ := mustOpen(t, nil)
	tests := []struct {
		name  string
		event eventstore.Event
	}{
		{"nil", nil},
		{"unregistered", &unregistered{note{Text: "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Append(context.Background(), "s", eventstore.Any, &note{Text: "ok"}, tt.event)
			var ee *eventstore.EventError
			if !errors.Is(err, eventstore.ErrInvalidEventType) || !errors.As(err, &ee) || ee.Index != 1 {
				t.Fatalf("err = %v, want ErrInvalidEventType at index 1", err)
			}
		})
	}
	if v, _ := s.StreamVersion(context.Background(), "s"); v != 0 {
		t.Errorf("version = %d after failed appends, want 0", v)
	}
}

func TestStore_Append_Limits(t *testing.T) {
	ctx := context.Background()
	opts := testOptions(t)
	opts.MaxAppendBatch = 5
	opts.MaxStreamSize = 8
	s, _ := mustOpen(t, opts)
	if _, err := s.Append(ctx, "s", eventstore.Any, notes("a", 6)...); !errors.Is(err, eventstore.ErrInvalidBatchSize) {
		t.Errorf("6 events: err = %v, want ErrInvalidBatchSize", err)
	}
	mustAppend(t, s, "s", eventstore.NoStream, notes("a", 5)...)
	if _, err := s.Append(ctx, "s", 5, notes("b", 4)...); !errors.Is(err, eventstore.ErrStreamTooLarge) {
		t.Errorf("past the stream size: err = %v, want ErrStreamTooLarge", err)
	}
	mustAppend(t, s, "s", 5, notes("c", 3)...)
	if v, _ := s.StreamVersion(ctx, "s"); v != 8 {
		t.Errorf("version = %d, want 8", v)
	}
	// A hard delete frees the room.
	if err := s.DeleteStream(ctx, "s", 8, eventstore.HardDelete); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, s, "s", eventstore.NoStream, notes("d", 5)...)
}

func TestStore_Append_Idempotent(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	batch := []eventstore.Event{noteWithID("a", "id-1"), noteWithID("b", "id-2"), noteWithID("c", "id-3")}
	first := mustAppend(t, s, "s", eventstore.NoStream, batch...)
	mustAppend(t, s, "other", eventstore.NoStream, notes("x", 1)...)

	tests := []struct {
		name     string
		stream   string
		expected eventstore.ExpectedVersion
		events   []eventstore.Event
		want     eventstore.AppendResult
		wantErr  error
	}{
		{"whole retry", "s", eventstore.NoStream, batch,
			eventstore.AppendResult{Version: 3, Positions: []int64{1, 2, 3}, EventIDs: []string{"id-1", "id-2", "id-3"}}, nil},
		{"retry with exact version", "s", 0, batch, first, nil},
		{"retry with any", "s", eventstore.Any, batch, first, nil},
		{"prefix retry", "s", 0, batch[:2],
			eventstore.AppendResult{Version: 2, Positions: []int64{1, 2}, EventIDs: []string{"id-1", "id-2"}}, nil},
		{"later part retry", "s", 1, batch[1:],
			eventstore.AppendResult{Version: 3, Positions: []int64{2, 3}, EventIDs: []string{"id-2", "id-3"}}, nil},
		{"any, later part", "s", eventstore.Any, batch[2:],
			eventstore.AppendResult{Version: 3, Positions: []int64{3}, EventIDs: []string{"id-3"}}, nil},
		{"wrong place", "s", 1, batch[:2], eventstore.AppendResult{}, eventstore.ErrDuplicateEvent},
		{"other stream", "other", eventstore.Any, batch[:1], eventstore.AppendResult{}, eventstore.ErrDuplicateEvent},
		{"partial overlap", "s", 3, []eventstore.Event{noteWithID("c", "id-3"), noteWithID("d", "id-4")},
			eventstore.AppendResult{}, eventstore.ErrDuplicateEvent},
		{"out of order", "s", eventstore.Any, []eventstore.Event{batch[1], batch[0]}, eventstore.AppendResult{}, eventstore.ErrDuplicateEvent},
		{"repeated within call", "s", 3, []eventstore.Event{noteWithID("d", "id-9"), noteWithID("e", "id-9")},
			eventstore.AppendResult{}, eventstore.ErrDuplicateEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Append(ctx, tt.stream, tt.expected, tt.events...)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
	all, _ := s.ReadAll(ctx, 0, 100, eventstore.Filter{})
	if len(all) != 4 {
		t.Errorf("store holds %d events, want 4", len(all))
	}
	// Ids of hard-deleted events may be used again.
	if err := s.DeleteStream(ctx, "s", eventstore.Any, eventstore.HardDelete); err != nil {
		t.Fatal(err)
	}
	res := mustAppend(t, s, "t", eventstore.NoStream, noteWithID("a", "id-1"))
	if res.Positions[0] != 5 {
		t.Errorf("reused id got position %d, want 5", res.Positions[0])
	}
}

func TestStore_Append_AssignsEventIDs(t *testing.T) {
	s, _ := mustOpen(t, nil)
	e := &note{Text: "a"}
	res := mustAppend(t, s, "s", eventstore.NoStream, e)
	if len(res.EventIDs) != 1 || len(res.EventIDs[0]) != 36 {
		t.Fatalf("EventIDs = %q, want one UUID", res.EventIDs)
	}
	if e.Meta.EventID != "" {
		t.Error("Append modified the caller's event")
	}
	recs, err := s.ReadStream(context.Background(), "s", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if recs[0].EventID != res.EventIDs[0] || recs[0].Metadata.EventID != res.EventIDs[0] ||
		recs[0].Event.(*note).Meta.EventID != res.EventIDs[0] {
		t.Errorf("stored ids %q/%q, want %q", recs[0].EventID, recs[0].Metadata.EventID, res.EventIDs[0])
	}
}

func TestStore_Append_PositionsAfterHardDelete(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	mustAppend(t, s, "old", eventstore.NoStream, notes("a", 2)...)
	newest := mustAppend(t, s, "newest", eventstore.NoStream, notes("b", 3)...)
	if err := s.DeleteStream(ctx, "newest", 3, eventstore.HardDelete); err != nil {
		t.Fatal(err)
	}
	next := mustAppend(t, s, "next", eventstore.NoStream, notes("c", 1)...)
	if last := newest.Positions[2]; next.Positions[0] <= last {
		t.Errorf("position after hard delete = %d, want > %d", next.Positions[0], last)
	}
	// The deleted id starts again at version 1.
	again := mustAppend(t, s, "newest", eventstore.NoStream, notes("d", 1)...)
	if again.Version != 1 {
		t.Errorf("version after hard delete = %d, want 1", again.Version)
	}
}

// Positions strictly increase in commit order across concurrent writers.
func TestStore_Append_GlobalOrder(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 10 {
				if _, err := s.Append(ctx, fmt.Sprintf("w%d", w), eventstore.Any, notes(fmt.Sprint(i), 2)...); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	all, err := s.ReadAll(ctx, 0, 1000, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 160 {
		t.Fatalf("got %d events, want 160", len(all))
	}
	last := map[string]int64{}
	for i, r := range all {
		if r.Position != int64(i+1) {
			t.Fatalf("event %d has position %d: positions must be dense", i, r.Position)
		}
		if r.Version != last[r.StreamID]+1 {
			t.Fatalf("stream %s: version %d after %d", r.StreamID, r.Version, last[r.StreamID])
		}
		last[r.StreamID] = r.Version
	}
}
