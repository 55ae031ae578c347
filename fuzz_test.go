package eventstore_test

import (
	"bufio"
	"bytes"
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
