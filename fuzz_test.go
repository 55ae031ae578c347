package eventstore_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	es "github.com/gamebot/eventstore"
)

// FuzzUnmarshalEnvelope feeds Unmarshal arbitrary bytes, seeded with every
// line of testdata/streams. It must never panic; its errors match the
// documented sentinels; whatever it accepts re-marshals, and a second
// round trip is byte-identical (the encoding is canonical).
func FuzzUnmarshalEnvelope(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(streamsDir, "*.jsonl"))
	invalid, _ := filepath.Glob(filepath.Join(streamsDir, "invalid", "*.jsonl"))
	for _, path := range append(paths, invalid...) {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, es.MaxEnvelopeLine)
		for sc.Scan() {
			f.Add(bytes.Clone(sc.Bytes()))
		}
	}
	for _, s := range []string{``, `{}`, `null`, `[]`, `{"type":"game_started","version":1,"data":{}}`,
		`{"type":"game_started","version":9,"data":{}}`, `{"type":"x","data":{"a":1}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := es.Unmarshal(nil, data)
		if err != nil {
			if !errors.Is(err, es.ErrDeserializationFailed) && !errors.Is(err, es.ErrInvalidEventType) &&
				!errors.Is(err, es.ErrNoMigrationPath) {
				t.Fatalf("Unmarshal error matches no sentinel: %v", err)
			}
			return
		}
		once, err := es.Marshal(nil, r)
		if err != nil {
			t.Fatalf("Marshal of a decoded envelope: %v", err)
		}
		r2, err := es.Unmarshal(nil, once)
		if err != nil {
			t.Fatalf("Unmarshal of a marshalled envelope: %v\n%s", err, once)
		}
		twice, err := es.Marshal(nil, r2)
		if err != nil || !bytes.Equal(once, twice) {
			t.Fatalf("not canonical (%v):\n%s\n%s", err, once, twice)
		}
		// Validation must not panic either, whatever was decoded.
		if v, ok := r.Event.(es.Validator); ok {
			_ = v.Validate(now)
		}
	})
}

// FuzzDecodeStoredEvent writes arbitrary bytes into the columns of one
// stored event, behind the store's back, and reads it through the store. A
// read must never panic: it returns the event or a *DecodeError that names
// the event and matches a documented sentinel.
func FuzzDecodeStoredEvent(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(streamsDir, "*.jsonl"))
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		recs, err := es.ReadJSONL(bytes.NewReader(b), nil)
		if err != nil {
			f.Fatal(err)
		}
		for _, r := range recs[:8] {
			line, _ := es.Marshal(nil, r)
			var env es.Envelope
			if err := env.UnmarshalJSON(line); err != nil {
				f.Fatal(err)
			}
			meta, _ := json.Marshal(env.Metadata)
			f.Add(env.Type, env.Version, []byte(env.Data), meta)
		}
	}
	f.Add("game_started", 2, []byte(`{}`), []byte(`{}`))
	f.Add("game_started", 0, []byte(`null`), []byte(`null`))
	f.Add("", 1, []byte(``), []byte(``))
	f.Add("guess_processed", 1, []byte(`{"timestamp":"yesterday"}`), []byte(`{"extra":7}`))

	s, path := mustOpen(f, &es.Options{})
	ctx := context.Background()
	db := rawDB(f, path)
	f.Fuzz(func(t *testing.T, typ string, version int, data, meta []byte) {
		stream := es.NewEventID()
		_, err := db.ExecContext(ctx, `INSERT INTO events (stream_id, version, event_id, event_type, schema_version, data, metadata, created_at)
			VALUES (?, 1, ?, ?, ?, ?, ?, 0)`, stream, es.NewEventID(), typ, version, data, meta)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO streams (stream_id, created_at) VALUES (?, 0)`, stream); err != nil {
			t.Fatal(err)
		}
		recs, err := s.ReadStream(ctx, stream, 0, 10)
		if err == nil {
			if len(recs) != 1 || recs[0].Event == nil {
				t.Fatalf("read %d events without error, want the one", len(recs))
			}
			return
		}
		var de *es.DecodeError
		if !errors.As(err, &de) || de.StreamID != stream || de.Version != 1 {
			t.Fatalf("err = %v, want a *DecodeError naming the event", err)
		}
		if !errors.Is(err, es.ErrDeserializationFailed) && !errors.Is(err, es.ErrInvalidEventType) &&
			!errors.Is(err, es.ErrNoMigrationPath) {
			t.Fatalf("err matches no documented sentinel: %v", err)
		}
	})
}
