package eventstore_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	es "github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

// recorded wraps e as the store would return it.
func recorded(e es.Event, version int64) es.RecordedEvent {
	md := *e.(es.MetadataCarrier).EventMetadata()
	if md.EventID == "" {
		md.EventID = "event-" + string(rune('0'+version))
		e.(es.MetadataCarrier).EventMetadata().EventID = md.EventID
	}
	return es.RecordedEvent{
		EventID: md.EventID, StreamID: "game-1", Version: version, Position: 100 + version,
		EventType: e.EventType(), SchemaVersion: e.EventVersion(), GuildID: "guild-1",
		Event: e, Metadata: md, CreatedAt: t0.Add(time.Second),
	}
}

func TestMarshal_Golden(t *testing.T) {
	e := validGuessAbandoned()
	e.LastGuess = nil
	b, err := es.Marshal(nil, recorded(e, 3))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"guess_abandoned","version":1,"stream_id":"game-1","stream_version":3,"position":103,"event_id":"event-3",` +
		`"created_at":"2026-03-04T04:56:08.891234Z","data":{"game_id":"game-1","guild_id":"guild-1","mode":"race","round_number":1,` +
		`"timestamp":"2026-03-04T04:56:07.891234Z","team_id":"t1","player1_id":"p1","player2_id":"p2","abandoning_player_id":"p2",` +
		`"reason":"timeout","last_guess":null,"guess_count":1,"round_guess_count":1,"total_guesses":1,"guess_duration":30000},` +
		`"metadata":{"source_id":"1300000000000000001","correlation_id":"corr-1","actor_id":"p1","guild_id":"guild-1","event_id":"event-3"}}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("Marshal (-want +got):\n%s", diff)
	}
}

func TestEnvelope_RoundTrip(t *testing.T) {
	for i, e := range validEvents() {
		t.Run(e.EventType(), func(t *testing.T) {
			want := recorded(e, int64(i+1))
			b, err := es.Marshal(nil, want)
			if err != nil {
				t.Fatal(err)
			}
			got, err := es.Unmarshal(nil, b)
			if err != nil {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			if diff := cmp.Diff(want, got, eventOpts); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			again, err := es.Marshal(nil, got)
			if err != nil || !bytes.Equal(b, again) {
				t.Errorf("re-marshalled differently (%v):\n%s\n%s", err, b, again)
			}
		})
	}
}

func TestMarshal_MetadataAndEventID(t *testing.T) {
	e := validGuessProcessed()
	e.Metadata.EventID = "from-metadata"
	// Zero r.Metadata and r.EventID: both come from the event.
	got, err := es.Unmarshal(nil, mustMarshal(t, es.RecordedEvent{Event: e}))
	if err != nil {
		t.Fatal(err)
	}
	if got.EventID != "from-metadata" || got.Metadata.SourceID != e.Metadata.SourceID {
		t.Errorf("got event id %q, metadata %+v", got.EventID, got.Metadata)
	}
	// The envelope's event id fills the metadata's.
	e.Metadata.EventID = ""
	got, err = es.Unmarshal(nil, mustMarshal(t, es.RecordedEvent{EventID: "from-record", Event: e}))
	if err != nil || got.Metadata.EventID != "from-record" || got.Event.(*es.GuessProcessed).Metadata.EventID != "from-record" {
		t.Errorf("got %+v, %v", got.Metadata, err)
	}
	// Two different ids are an error.
	e.Metadata.EventID = "one"
	if _, err := es.Marshal(nil, es.RecordedEvent{EventID: "two", Event: e}); !errors.Is(err, es.ErrSerializationFailed) {
		t.Errorf("Marshal with two ids = %v, want ErrSerializationFailed", err)
	}
}

func mustMarshal(t *testing.T, r es.RecordedEvent) []byte {
	t.Helper()
	b, err := es.Marshal(nil, r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMarshal_Errors(t *testing.T) {
	for _, tt := range []struct {
		name    string
		r       es.RecordedEvent
		wantErr error
	}{
		{"nil event", es.RecordedEvent{}, es.ErrInvalidEventType},
		{"unregistered event", es.RecordedEvent{Event: new(testV1)}, es.ErrInvalidEventType},
		{"created_at out of range", es.RecordedEvent{Event: validGuessProcessed(), CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, es.ErrSerializationFailed},
	} {
		if _, err := es.Marshal(nil, tt.r); !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: Marshal() = %v, want %v", tt.name, err, tt.wantErr)
		}
	}
}

func TestUnmarshal_Errors(t *testing.T) {
	valid := string(mustMarshal(t, recorded(validGuessProcessed(), 1)))
	replace := func(old, new string) string { return strings.Replace(valid, old, new, 1) }
	for _, tt := range []struct {
		name    string
		in      string
		wantErr error
	}{
		{"empty", ``, es.ErrDeserializationFailed},
		{"not an object", `[1,2]`, es.ErrDeserializationFailed},
		{"truncated", valid[:len(valid)/2], es.ErrDeserializationFailed},
		{"trailing garbage", valid + `x`, es.ErrDeserializationFailed},
		{"no type", replace(`"type":"guess_processed"`, `"type":""`), es.ErrInvalidEventType},
		{"unknown type", replace(`"type":"guess_processed"`, `"type":"guess_made"`), es.ErrInvalidEventType},
		{"no data", replace(`"data":`, `"dat":`), es.ErrDeserializationFailed},
		{"null data", `{"type":"guess_processed","version":1,"data":null}`, es.ErrDeserializationFailed},
		{"data not an object", `{"type":"guess_processed","version":1,"data":"x"}`, es.ErrDeserializationFailed},
		{"newer version", replace(`"version":1`, `"version":2`), es.ErrDeserializationFailed},
		{"version zero", replace(`"version":1`, `"version":0`), es.ErrDeserializationFailed},
		{"version a string", replace(`"version":1`, `"version":"1"`), es.ErrDeserializationFailed},
		{"bad created_at", replace(`"created_at":"2026`, `"created_at":"x2026`), es.ErrDeserializationFailed},
		{"bad timestamp in data", replace(`"timestamp":"2026`, `"timestamp":"x2026`), es.ErrDeserializationFailed},
		{"different event ids", replace(`"event_id":"event-1"}`, `"event_id":"other"}`), es.ErrDeserializationFailed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := es.Unmarshal(nil, []byte(tt.in)); !errors.Is(err, tt.wantErr) {
				t.Errorf("Unmarshal() = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestUnmarshal_Upcasts(t *testing.T) {
	var calls migrationCalls
	s := es.NewJSONSerializer(testRegistry(t, &calls))
	got, err := es.Unmarshal(s, []byte(`{"type":"test_event","version":1,"event_id":"e1","data":{"name":"ada"},"metadata":{"source_id":"s"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := es.RecordedEvent{
		EventID: "e1", EventType: "test_event", SchemaVersion: 1,
		Event: &testV3{FullName: "ada", Count: 1, Tag: "direct"}, Metadata: es.Metadata{SourceID: "s", EventID: "e1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Unmarshal (-want +got):\n%s", diff)
	}
	// Re-marshalled, the envelope carries the current version.
	b, err := es.Marshal(s, got)
	if err != nil || !strings.HasPrefix(string(b), `{"type":"test_event","version":3,`) {
		t.Errorf("Marshal = %s, %v", b, err)
	}
}

func TestJSONL_RoundTrip(t *testing.T) {
	var want []es.RecordedEvent
	for i, e := range validEvents() {
		want = append(want, recorded(e, int64(i+1)))
	}
	var buf bytes.Buffer
	if err := es.WriteJSONL(&buf, nil, want); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != len(want) {
		t.Errorf("%d lines, want %d", n, len(want))
	}
	got, err := es.ReadJSONL(bytes.NewReader(buf.Bytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, eventOpts); diff != "" {
		t.Errorf("ReadJSONL (-want +got):\n%s", diff)
	}
	// Blank lines, CRLF and a missing final newline are fine.
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	loose := "\n" + strings.Join(lines, "\r\n\n") // no trailing newline
	got, err = es.ReadJSONL(strings.NewReader(loose), nil)
	if err != nil || len(got) != len(want) {
		t.Errorf("loose ReadJSONL = %d events, %v", len(got), err)
	}
	if got, err := es.ReadJSONL(strings.NewReader(""), nil); err != nil || len(got) != 0 {
		t.Errorf("empty ReadJSONL = %v, %v", got, err)
	}
}

func TestEnvelopeReader_Errors(t *testing.T) {
	good := string(mustMarshal(t, recorded(validGuessProcessed(), 1)))
	for _, tt := range []struct {
		name     string
		in       string
		wantLine int
		wantErr  error
	}{
		{"malformed third line", good + "\n" + good + "\n{oops}\n" + good, 3, es.ErrDeserializationFailed},
		{"truncated last line", good + "\n" + good[:40], 2, es.ErrDeserializationFailed},
		{"blank lines counted", "\n\n" + good + "\n\n{\n", 5, es.ErrDeserializationFailed},
		{"unknown type", good + "\n" + `{"type":"nope","version":1,"data":{}}`, 2, es.ErrInvalidEventType},
		{"line too long", good + "\n" + strings.Repeat(" ", es.MaxEnvelopeLine+10) + "\n" + good, 2, es.ErrDeserializationFailed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := es.ReadJSONL(strings.NewReader(tt.in), nil)
			var le *es.LineError
			if !errors.As(err, &le) || le.Line != tt.wantLine || !errors.Is(err, tt.wantErr) {
				t.Fatalf("ReadJSONL() = %v, want line %d matching %v", err, tt.wantLine, tt.wantErr)
			}
			if !strings.Contains(err.Error(), "line ") {
				t.Errorf("error %q does not name the line", err)
			}
		})
	}
}

func TestEnvelopeReader_GoesOnAfterBadLine(t *testing.T) {
	good := string(mustMarshal(t, recorded(validGuessProcessed(), 1)))
	r := es.NewEnvelopeReader(strings.NewReader(good+"\nbad\n"+good+"\n"), nil)
	var errs []error
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	if n != 2 || len(errs) != 1 || r.Line() != 3 {
		t.Errorf("read %d events, errors %v, line %d; want 2, one error, line 3", n, errs, r.Line())
	}
}

func TestEnvelopeReader_ReadError(t *testing.T) {
	good := string(mustMarshal(t, recorded(validGuessProcessed(), 1)))
	boom := errors.New("disk on fire")
	r := es.NewEnvelopeReader(io.MultiReader(strings.NewReader(good+"\n"), iotest.ErrReader(boom)), nil)
	var got []error
	for _, err := range r.All() {
		got = append(got, err)
	}
	if len(got) != 2 || got[0] != nil || !errors.Is(got[1], boom) {
		t.Errorf("All() errors = %v, want nil then %v", got, boom)
	}
	if _, err := r.Read(); !errors.Is(err, boom) {
		t.Errorf("Read after the error = %v, want it again", err)
	}
}

func TestEnvelopeWriter_Errors(t *testing.T) {
	events := []es.RecordedEvent{recorded(validGuessProcessed(), 1), {}}
	err := es.WriteJSONL(io.Discard, nil, events)
	var le *es.LineError
	if !errors.As(err, &le) || le.Line != 2 || !errors.Is(err, es.ErrInvalidEventType) {
		t.Errorf("WriteJSONL() = %v, want line 2 matching ErrInvalidEventType", err)
	}
	boom := errors.New("full")
	w := es.NewEnvelopeWriter(failingWriter{boom}, nil)
	if err := w.Write(events[0]); !errors.As(err, &le) || le.Line != 1 || !errors.Is(err, boom) {
		t.Errorf("Write() = %v, want line 1 wrapping %v", err, boom)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
