package eventstore_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	es "github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

// gameStreams are the complete games of testdata/streams.
var gameStreams = []string{"two_player", "knockout", "race"}

// appendRecorded appends a stream's events to s one at a time, the store's
// clock reading each event's commit time, so the store holds the same
// versions, ids and commit times as the file.
func appendRecorded(t *testing.T, s *es.Store, clock *time.Time, recs []es.RecordedEvent) {
	t.Helper()
	for _, r := range recs {
		*clock = r.CreatedAt
		res, err := s.Append(context.Background(), r.StreamID, es.ExpectedVersion(r.Version-1), r.Event)
		if err != nil {
			t.Fatalf("append version %d: %v", r.Version, err)
		}
		if res.Version != r.Version || res.EventIDs[0] != r.EventID {
			t.Fatalf("appended as version %d id %s, want %d %s", res.Version, res.EventIDs[0], r.Version, r.EventID)
		}
	}
}

// openGameStore opens a store of GameBot events with a settable clock.
func openGameStore(t *testing.T) (*es.Store, *time.Time) {
	t.Helper()
	clock := new(time.Time)
	s, _ := mustOpen(t, &es.Options{Now: func() time.Time { return *clock }})
	return s, clock
}

// render writes one readable line per event.
func render(recs []es.RecordedEvent) []byte {
	var b bytes.Buffer
	for _, r := range recs {
		base := r.Event.(es.MetadataCarrier).EventMetadata()
		fmt.Fprintf(&b, "v%03d p%03d %-24s guild=%s actor=%s caused_by=%s id=%s at=%s\n",
			r.Version, r.Position, r.EventType, r.GuildID, base.ActorID, tail(base.CausationID), tail(r.EventID),
			r.CreatedAt.Format(time.RFC3339))
	}
	return b.Bytes()
}

// tail shortens an id to its last 8 characters (the random part of a
// UUID v7).
func tail(id string) string {
	return id[max(0, len(id)-8):]
}

// Each testdata game goes into a fresh store and comes back equal: the
// decoded events, a readable rendering (golden), and the exported envelopes
// byte for byte.
func TestStore_GameStreams_Golden(t *testing.T) {
	for _, name := range gameStreams {
		t.Run(name, func(t *testing.T) {
			input, err := os.ReadFile(filepath.Join("testdata", "streams", name+".jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := es.ReadJSONL(bytes.NewReader(input), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) < 30 {
				t.Fatalf("%s has %d events, want a complete game of 30 or more", name, len(want))
			}
			s, clock := openGameStore(t)
			appendRecorded(t, s, clock, want)

			got, err := s.ReadStream(context.Background(), want[0].StreamID, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("read back (-want +got):\n%s", diff)
			}

			var exported bytes.Buffer
			if err := es.WriteJSONL(&exported, nil, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(input, exported.Bytes()) {
				t.Errorf("export differs from %s.jsonl", name)
			}

			golden := filepath.Join("testdata", "append", name, "want.golden")
			checkGolden(t, golden, render(got))
		})
	}
}

// Export → import into a new file → export is byte-identical, across all
// three games in one store.
func TestStore_ExportImportExport(t *testing.T) {
	ctx := context.Background()
	s1, clock1 := openGameStore(t)
	for _, name := range gameStreams {
		f, err := os.Open(filepath.Join("testdata", "streams", name+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := es.ReadJSONL(f, nil)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		appendRecorded(t, s1, clock1, recs)
	}
	export := func(s *es.Store) []byte {
		var b bytes.Buffer
		w := es.NewEnvelopeWriter(&b, nil)
		for rec, err := range s.AllEvents(ctx, 0, es.Filter{}) {
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(rec); err != nil {
				t.Fatal(err)
			}
		}
		return b.Bytes()
	}
	first := export(s1)
	imported, err := es.ReadJSONL(bytes.NewReader(first), nil)
	if err != nil {
		t.Fatal(err)
	}
	s2, clock2 := openGameStore(t)
	appendRecorded(t, s2, clock2, imported)
	if second := export(s2); !bytes.Equal(first, second) {
		t.Errorf("second export differs from the first (%d vs %d bytes)", len(first), len(second))
	}
}

// Every event type survives the store: times, sets, nil pointers, floats.
func TestStore_EventRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, clock := openGameStore(t)
	*clock = time.Now()
	for i, e := range validEvents() {
		id := fmt.Sprintf("stream-%d", i)
		if _, err := s.Append(ctx, id, es.NoStream, e); err != nil {
			t.Fatalf("%s: %v", e.EventType(), err)
		}
		recs, err := s.ReadStream(ctx, id, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		got := recs[0].Event
		// The store fills in the event id it assigned; the rest is equal.
		baseOf(got).Metadata.EventID = ""
		// A nil set or map comes back empty: the same set (eventOpts).
		if diff := cmp.Diff(e, got, eventOpts); diff != "" {
			t.Errorf("%s (-want +got):\n%s", e.EventType(), diff)
		}
	}
}
