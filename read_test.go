package eventstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

// readFixture holds stream "s" with s-1…s-5, "gone" soft-deleted and
// "other" with two events.
func readFixture(t *testing.T) *eventstore.Store {
	t.Helper()
	s, _ := mustOpen(t, nil)
	mustAppend(t, s, "s", eventstore.NoStream, notes("s", 5)...)
	mustAppend(t, s, "gone", eventstore.NoStream, notes("g", 1)...)
	mustAppend(t, s, "other", eventstore.NoStream, notes("o", 2)...)
	if err := s.DeleteStream(context.Background(), "gone", eventstore.Any, eventstore.SoftDelete); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore_ReadStream(t *testing.T) {
	s := readFixture(t)
	tests := []struct {
		name    string
		stream  string
		from    int64
		count   int
		want    []string
		wantErr error
	}{
		{"from 0 is the start", "s", 0, 10, []string{"s-1", "s-2", "s-3", "s-4", "s-5"}, nil},
		{"from 1 is the start", "s", 1, 2, []string{"s-1", "s-2"}, nil},
		{"middle", "s", 3, 2, []string{"s-3", "s-4"}, nil},
		{"last", "s", 5, 1000, []string{"s-5"}, nil},
		{"past the end", "s", 6, 10, []string{}, nil},
		{"far past the end", "s", 1 << 40, 10, []string{}, nil},
		{"missing stream", "nope", 0, 10, nil, eventstore.ErrStreamNotFound},
		{"deleted stream", "gone", 0, 10, nil, eventstore.ErrStreamDeleted},
		{"negative start", "s", -1, 10, nil, eventstore.ErrInvalidStartVersion},
		{"zero count", "s", 0, 0, nil, eventstore.ErrInvalidBatchSize},
		{"negative count", "s", 0, -5, nil, eventstore.ErrInvalidBatchSize},
		{"count above the limit", "s", 0, 1001, nil, eventstore.ErrInvalidBatchSize},
		{"empty id", "", 0, 10, nil, eventstore.ErrInvalidStreamID},
		{"reserved id", "$all", 0, 10, nil, eventstore.ErrInvalidStreamID},
		{"control character", "a\nb", 0, 10, nil, eventstore.ErrInvalidStreamID},
		{"too long", strings.Repeat("x", 256), 0, 10, nil, eventstore.ErrInvalidStreamID},
		{"invalid utf-8", "a\xffb", 0, 10, nil, eventstore.ErrInvalidStreamID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := s.ReadStream(context.Background(), tt.stream, tt.from, tt.count)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, texts(t, recs)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStore_ReadStreamBackward(t *testing.T) {
	s := readFixture(t)
	tests := []struct {
		name    string
		from    int64
		count   int
		want    []string
		wantErr error
	}{
		{"from the end", -1, 10, []string{"s-5", "s-4", "s-3", "s-2", "s-1"}, nil},
		{"from the end, two", -1, 2, []string{"s-5", "s-4"}, nil},
		{"from 3", 3, 10, []string{"s-3", "s-2", "s-1"}, nil},
		{"beyond the end", 99, 1, []string{"s-5"}, nil},
		{"start 0 reads nothing", 0, 10, []string{}, nil},
		{"other negative start", -2, 10, nil, eventstore.ErrInvalidStartVersion},
		{"zero count", -1, 0, nil, eventstore.ErrInvalidBatchSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := s.ReadStreamBackward(context.Background(), "s", tt.from, tt.count)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, texts(t, recs)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStore_ReadStream_RecordedFields(t *testing.T) {
	s, _ := mustOpen(t, nil)
	mustAppend(t, s, "x", eventstore.NoStream, notes("x", 1)...)
	e := &note{Text: "hello", N: 7, Meta: eventstore.Metadata{
		SourceID: "msg-1", CorrelationID: "c-1", GuildID: "guild-9", EventID: "ev-1",
		Extra: map[string]string{"k": "v"},
	}}
	mustAppend(t, s, "s", eventstore.NoStream, e)
	recs, err := s.ReadStream(context.Background(), "s", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := eventstore.RecordedEvent{
		EventID: "ev-1", StreamID: "s", Version: 1, Position: 2, EventType: "note", SchemaVersion: 1,
		GuildID: "guild-9", Event: e, Metadata: e.Meta, CreatedAt: testClock,
	}
	if diff := cmp.Diff(want, recs[0]); diff != "" {
		t.Errorf("recorded event (-want +got):\n%s", diff)
	}
}

func TestStore_ReadAll(t *testing.T) {
	s, _ := mustOpen(t, nil)
	add := func(stream, guild string, texts ...string) {
		for _, txt := range texts {
			mustAppend(t, s, stream, eventstore.Any, &note{Text: txt, Meta: eventstore.Metadata{GuildID: guild}})
		}
	}
	add("game-1", "g1", "a1", "a2")
	add("game_2", "g2", "b1")
	add("Game-3", "g1", "c1")
	add("game-%", "g2", "d1")
	add("chat-1", "g1", "e1")
	ctx := context.Background()
	tests := []struct {
		name     string
		from     int64
		count    int
		filter   eventstore.Filter
		backward bool
		want     []string
		wantErr  error
	}{
		{"all", 0, 100, eventstore.Filter{}, false, []string{"a1", "a2", "b1", "c1", "d1", "e1"}, nil},
		{"from 3", 3, 2, eventstore.Filter{}, false, []string{"b1", "c1"}, nil},
		{"past the end", 7, 2, eventstore.Filter{}, false, []string{}, nil},
		{"prefix is literal and case-sensitive", 0, 100, eventstore.Filter{StreamPrefix: "game-"}, false, []string{"a1", "a2", "d1"}, nil},
		{"percent is not a wildcard", 0, 100, eventstore.Filter{StreamPrefix: "game-%"}, false, []string{"d1"}, nil},
		{"underscore is not a wildcard", 0, 100, eventstore.Filter{StreamPrefix: "game_"}, false, []string{"b1"}, nil},
		{"guild", 0, 100, eventstore.Filter{GuildID: "g1"}, false, []string{"a1", "a2", "c1", "e1"}, nil},
		{"guild and prefix", 0, 100, eventstore.Filter{GuildID: "g1", StreamPrefix: "game"}, false, []string{"a1", "a2"}, nil},
		{"type", 0, 100, eventstore.Filter{EventType: "note"}, false, []string{"a1", "a2", "b1", "c1", "d1", "e1"}, nil},
		{"other type", 0, 100, eventstore.Filter{EventType: "nope"}, false, []string{}, nil},
		{"count limits matches", 0, 2, eventstore.Filter{GuildID: "g2"}, false, []string{"b1", "d1"}, nil},
		{"backward from the end", -1, 3, eventstore.Filter{}, true, []string{"e1", "d1", "c1"}, nil},
		{"backward filtered", 4, 10, eventstore.Filter{GuildID: "g1"}, true, []string{"c1", "a2", "a1"}, nil},
		{"backward from 0", 0, 10, eventstore.Filter{}, true, []string{}, nil},
		{"negative start", -1, 10, eventstore.Filter{}, false, nil, eventstore.ErrInvalidStartVersion},
		{"backward negative start", -2, 10, eventstore.Filter{}, true, nil, eventstore.ErrInvalidStartVersion},
		{"zero count", 0, 0, eventstore.Filter{}, false, nil, eventstore.ErrInvalidBatchSize},
		{"count above the limit", 0, 1001, eventstore.Filter{}, false, nil, eventstore.ErrInvalidBatchSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := s.ReadAll
			if tt.backward {
				read = s.ReadAllBackward
			}
			recs, err := read(ctx, tt.from, tt.count, tt.filter)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, texts(t, recs)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStore_Iterators(t *testing.T) {
	ctx := context.Background()
	opts := testOptions(t)
	opts.MaxReadBatch = 7 // several batches
	s, _ := mustOpen(t, opts)
	for range 5 {
		mustAppend(t, s, "long", eventstore.Any, notes("l", 5)...)
		mustAppend(t, s, "short", eventstore.Any, notes("s", 1)...)
	}
	var versions []int64
	for rec, err := range s.StreamEvents(ctx, "long", 3) {
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, rec.Version)
	}
	if len(versions) != 23 || versions[0] != 3 || versions[22] != 25 {
		t.Errorf("stream versions = %v, want 3…25", versions)
	}
	var positions []int64
	for rec, err := range s.AllEvents(ctx, 0, eventstore.Filter{StreamPrefix: "short"}) {
		if err != nil {
			t.Fatal(err)
		}
		positions = append(positions, rec.Position)
	}
	if diff := cmp.Diff([]int64{6, 12, 18, 24, 30}, positions); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
	// Breaking out early stops the iteration.
	n := 0
	for range s.AllEvents(ctx, 0, eventstore.Filter{}) {
		n++
		if n == 10 {
			break
		}
	}
	for _, err := range s.StreamEvents(ctx, "missing", 0) {
		if !errors.Is(err, eventstore.ErrStreamNotFound) {
			t.Errorf("missing stream: err = %v, want ErrStreamNotFound", err)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, err := range s.AllEvents(cancelled, 0, eventstore.Filter{}) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: err = %v, want context.Canceled", err)
		}
	}
}

func TestStore_StreamVersionAndInfo(t *testing.T) {
	ctx := context.Background()
	s := readFixture(t)
	if v, err := s.StreamVersion(ctx, "s"); v != 5 || err != nil {
		t.Errorf("StreamVersion(s) = %d, %v; want 5", v, err)
	}
	if v, err := s.StreamVersion(ctx, "absent"); v != 0 || err != nil {
		t.Errorf("StreamVersion(absent) = %d, %v; want 0", v, err)
	}
	if _, err := s.StreamVersion(ctx, "gone"); !errors.Is(err, eventstore.ErrStreamDeleted) {
		t.Errorf("StreamVersion(gone) err = %v, want ErrStreamDeleted", err)
	}
	info, err := s.StreamInfo(ctx, "gone")
	if err != nil {
		t.Fatal(err)
	}
	want := eventstore.StreamInfo{StreamID: "gone", Version: 1, EventCount: 1, CreatedAt: testClock,
		UpdatedAt: testClock, Deleted: true, DeletedAt: testClock}
	if diff := cmp.Diff(want, info); diff != "" {
		t.Errorf("StreamInfo (-want +got):\n%s", diff)
	}
	if _, err := s.StreamInfo(ctx, "absent"); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("StreamInfo(absent) err = %v, want ErrStreamNotFound", err)
	}
}

func TestStore_Streams(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	for _, id := range []string{"b", "a", "game-2", "game-1", "game%1", "c"} {
		guild := "g1"
		if strings.HasPrefix(id, "game") {
			guild = "g2"
		}
		mustAppend(t, s, id, eventstore.NoStream, &note{Text: id, Meta: eventstore.Metadata{GuildID: guild}})
	}
	ids := func(list []eventstore.StreamInfo) []string {
		out := []string{}
		for _, i := range list {
			out = append(out, i.StreamID)
		}
		return out
	}
	tests := []struct {
		name    string
		q       eventstore.StreamQuery
		want    []string
		wantErr error
	}{
		{"all", eventstore.StreamQuery{}, []string{"a", "b", "c", "game%1", "game-1", "game-2"}, nil},
		{"page 1", eventstore.StreamQuery{Limit: 2}, []string{"a", "b"}, nil},
		{"page 2", eventstore.StreamQuery{Limit: 2, After: "b"}, []string{"c", "game%1"}, nil},
		{"prefix", eventstore.StreamQuery{Prefix: "game-"}, []string{"game-1", "game-2"}, nil},
		{"guild", eventstore.StreamQuery{GuildID: "g2"}, []string{"game%1", "game-1", "game-2"}, nil},
		{"end", eventstore.StreamQuery{After: "game-2"}, []string{}, nil},
		{"negative limit", eventstore.StreamQuery{Limit: -1}, nil, eventstore.ErrInvalidBatchSize},
		{"limit too large", eventstore.StreamQuery{Limit: 1001}, nil, eventstore.ErrInvalidBatchSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := s.Streams(ctx, tt.q)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err == nil {
				if diff := cmp.Diff(tt.want, ids(list)); diff != "" {
					t.Errorf("streams (-want +got):\n%s", diff)
				}
			}
		})
	}
}
