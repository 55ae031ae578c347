package eventstore_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/gamebot/eventstore"
)

// validStreamID is the rule of SPEC.md, written out independently.
func validStreamID(id string) bool {
	if id == "" || len(id) > 255 || !utf8.ValidString(id) || strings.HasPrefix(id, "$") {
		return false
	}
	return !strings.ContainsFunc(id, func(r rune) bool { return unicode.Is(unicode.Cc, r) })
}

func FuzzValidateStreamID(f *testing.F) {
	for _, s := range hostileStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		err := eventstore.ValidateStreamID(id)
		if want := validStreamID(id); (err == nil) != want {
			t.Fatalf("ValidateStreamID(%q) = %v, want valid %v", id, err, want)
		}
		if err != nil && !errors.Is(err, eventstore.ErrInvalidStreamID) {
			t.Fatalf("ValidateStreamID(%q) = %v, want ErrInvalidStreamID", id, err)
		}
	})
}

// Any string as a stream id: a valid one round-trips byte for byte through
// append, read, info, listing and prefix filter; an invalid one is
// ErrInvalidStreamID and writes nothing. Never a panic.
func FuzzStreamID(f *testing.F) {
	for _, s := range hostileStrings {
		f.Add(s)
	}
	opts := testOptions(f)
	opts.MaxStreamSize = 1 << 30
	s, _ := mustOpen(f, opts)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, id string) {
		res, err := s.Append(ctx, id, eventstore.Any, &note{Text: "fuzz"})
		if !validStreamID(id) {
			if !errors.Is(err, eventstore.ErrInvalidStreamID) {
				t.Fatalf("Append(%q): err = %v, want ErrInvalidStreamID", id, err)
			}
			if _, err := s.ReadStream(ctx, id, 0, 1); !errors.Is(err, eventstore.ErrInvalidStreamID) {
				t.Fatalf("ReadStream(%q): err = %v, want ErrInvalidStreamID", id, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Append(%q): %v", id, err)
		}
		recs, err := s.ReadStreamBackward(ctx, id, -1, 1)
		if err != nil || len(recs) != 1 {
			t.Fatalf("ReadStreamBackward(%q): %d events, %v", id, len(recs), err)
		}
		if r := recs[0]; r.StreamID != id || r.Version != res.Version || r.Position != res.Positions[0] {
			t.Fatalf("read back %q v%d p%d, want %q v%d p%d", r.StreamID, r.Version, r.Position, id, res.Version, res.Positions[0])
		}
		if v, err := s.StreamVersion(ctx, id); err != nil || v != res.Version {
			t.Fatalf("StreamVersion(%q) = %d, %v; want %d", id, v, err, res.Version)
		}
		if info, err := s.StreamInfo(ctx, id); err != nil || info.StreamID != id {
			t.Fatalf("StreamInfo(%q) = %+v, %v", id, info, err)
		}
		list, err := s.Streams(ctx, eventstore.StreamQuery{Prefix: id, Limit: 1})
		if err != nil || len(list) != 1 || list[0].StreamID != id {
			t.Fatalf("Streams(prefix %q) = %+v, %v; want the stream first", id, list, err)
		}
		got, err := s.ReadAllBackward(ctx, -1, 1000, eventstore.Filter{StreamPrefix: id})
		if err != nil || !slices.ContainsFunc(got, func(r eventstore.RecordedEvent) bool { return r.Position == res.Positions[0] }) {
			t.Fatalf("ReadAllBackward(prefix %q): %d events, %v; want the new one among them", id, len(got), err)
		}
		for _, r := range got {
			if !strings.HasPrefix(r.StreamID, id) {
				t.Fatalf("prefix %q matched stream %q", id, r.StreamID)
			}
		}
	})
}

// Any bytes in the stored columns of one event: reading it gives the event
// or a *DecodeError naming it, never a panic, and the events around it stay
// readable.
func FuzzStoredEvent(f *testing.F) {
	f.Add([]byte(`{"text":"a","n":1}`), []byte(`{"source_id":"","correlation_id":""}`), "note", 1)
	f.Add([]byte("\x00\xff"), []byte("{"), "note", 1)
	f.Add([]byte(`{"text":5}`), []byte(`null`), "note", 2)
	f.Add([]byte(`[]`), []byte(`{"extra":{"a":1}}`), "'; DROP TABLE events; --", 1)
	f.Add([]byte(`{"text":"\ud800"}`), []byte(`{"event_id":"other"}`), "note", 0)
	f.Add([]byte(`{"text":"`+strings.Repeat("x", 10000)+`"}`), []byte(`{}`), "no\x00te", -1)
	opts := testOptions(f)
	opts.MaxReadBatch = 2
	s, path := mustOpen(f, opts)
	mustAppend(f, s, "s", eventstore.NoStream, notes("s", 3)...) // positions 1-3
	db := rawStore(f, path)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data, meta []byte, typ string, version int) {
		corruptEvent(t, db, 2, "data = ?, metadata = ?, event_type = ?, schema_version = ?", data, meta, typ, version)
		recs, err := s.ReadStream(ctx, "s", 0, 2)
		if err != nil {
			var de *eventstore.DecodeError
			if !errors.As(err, &de) || de.StreamID != "s" || de.Version != 2 || de.Position != 2 {
				t.Fatalf("ReadStream: err = %v, want a *DecodeError for s version 2 position 2", err)
			}
			if !errors.Is(err, eventstore.ErrDeserializationFailed) && !errors.Is(err, eventstore.ErrInvalidEventType) &&
				!errors.Is(err, eventstore.ErrNoMigrationPath) {
				t.Fatalf("ReadStream: err = %v matches no decoding sentinel", err)
			}
		} else if len(recs) != 2 || recs[1].EventType != typ || recs[1].EventID != recs[1].Metadata.EventID {
			t.Fatalf("ReadStream: %+v", recs)
		}
		if got, err := s.ReadStream(ctx, "s", 3, 2); err != nil || len(got) != 1 {
			t.Fatalf("the event after the damage: %d events, %v", len(got), err)
		}
		n, errs := 0, 0
		for _, err := range s.AllEvents(ctx, 0, eventstore.Filter{}) {
			if err != nil {
				errs++
			}
			n++
		}
		if n != 3 || errs > 1 {
			t.Fatalf("AllEvents: %d items, %d errors; want 3 and at most 1", n, errs)
		}
	})
}
