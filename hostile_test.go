package eventstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

// hostileStrings look like SQL, wildcards, escapes or trouble for the byte
// handling of ids. Every one is stored and compared verbatim or refused,
// never interpreted.
var hostileStrings = []string{
	`'; DROP TABLE events; --`,
	`" OR 1=1 --`,
	`' OR 1=1`,
	`x'); DELETE FROM streams; --`,
	`a;b`,
	`--`,
	`/* comment */`,
	`%`,
	`_`,
	`a%`,
	`\`,
	`\%`,
	`game-1' AND '1'='1`,
	"Robert'); DROP TABLE streams;--",
	"ÿ",
	"\u200b",   // zero width space: format, not control
	"\u2028",   // line separator: not a control character
	"e\u0301",  // combining accent: never normalised
	"é",        // its precomposed twin
	"GAME-1",   // never case-folded
	" game-1 ", // never trimmed
	"日本語",
	"🎲",
	strings.Repeat("x", eventstore.MaxStreamIDLength),
	// Refused:
	"",
	"a\x00b",
	"\x00",
	"tab\there",
	"line\nfeed",
	"\x7f",
	"\u0085", // NEL, a C1 control
	"bad\xffutf8",
	"$all",
	"$system",
	strings.Repeat("x", eventstore.MaxStreamIDLength+1),
	strings.Repeat("'; DROP TABLE events; --", 1000),
}

// schemaObjects lists the tables, indexes and triggers of a store file.
func schemaObjects(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT type || ' ' || name FROM sqlite_schema ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

func TestStore_HostileStreamIDs(t *testing.T) {
	ctx := context.Background()
	s, path := mustOpen(t, nil)
	mustAppend(t, s, "victim", eventstore.NoStream, notes("keep", 2)...)
	schema := schemaObjects(t, rawDB(t, path))

	valid := 0
	for _, id := range hostileStrings {
		t.Run(fmt.Sprintf("%.40q", id), func(t *testing.T) {
			res, err := s.Append(ctx, id, eventstore.NoStream, &note{Text: "hostile", Meta: eventstore.Metadata{GuildID: id, CorrelationID: id}})
			if verr := eventstore.ValidateStreamID(id); verr != nil {
				if !errors.Is(err, eventstore.ErrInvalidStreamID) || !errors.Is(verr, eventstore.ErrInvalidStreamID) {
					t.Fatalf("Append: err = %v, want ErrInvalidStreamID", err)
				}
				for name, err := range map[string]error{
					"ReadStream":    func() error { _, err := s.ReadStream(ctx, id, 0, 10); return err }(),
					"StreamVersion": func() error { _, err := s.StreamVersion(ctx, id); return err }(),
					"StreamInfo":    func() error { _, err := s.StreamInfo(ctx, id); return err }(),
					"DeleteStream":  s.DeleteStream(ctx, id, eventstore.Any, eventstore.HardDelete),
				} {
					if !errors.Is(err, eventstore.ErrInvalidStreamID) {
						t.Errorf("%s: err = %v, want ErrInvalidStreamID", name, err)
					}
				}
				return
			}
			valid++
			if err != nil || res.Version != 1 {
				t.Fatalf("Append: %+v, %v; want version 1", res, err)
			}
			recs, err := s.ReadStream(ctx, id, 0, 10)
			if err != nil || len(recs) != 1 {
				t.Fatalf("ReadStream: %d events, %v", len(recs), err)
			}
			r := recs[0]
			if r.StreamID != id || r.GuildID != id || r.Metadata.CorrelationID != id || r.Metadata.GuildID != id {
				t.Errorf("read back stream %q guild %q correlation %q, want %q verbatim", r.StreamID, r.GuildID, r.Metadata.CorrelationID, id)
			}
			info, err := s.StreamInfo(ctx, id)
			if err != nil || info.StreamID != id || info.Version != 1 {
				t.Errorf("StreamInfo = %+v, %v", info, err)
			}
			// Filters take the id literally: no wildcard, no escape.
			byPrefix, err := s.ReadAll(ctx, 0, 1000, eventstore.Filter{StreamPrefix: id})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range byPrefix {
				if !strings.HasPrefix(r.StreamID, id) {
					t.Errorf("prefix %q matched stream %q", id, r.StreamID)
				}
			}
			byGuild, err := s.ReadAll(ctx, 0, 1000, eventstore.Filter{GuildID: id})
			if err != nil || len(byGuild) != 1 || byGuild[0].StreamID != id {
				t.Errorf("guild filter %q: %d events, %v", id, len(byGuild), err)
			}
			list, err := s.Streams(ctx, eventstore.StreamQuery{Prefix: id})
			if err != nil || !slices.ContainsFunc(list, func(i eventstore.StreamInfo) bool { return i.StreamID == id }) {
				t.Errorf("Streams(prefix %q) = %v, %v; want it listed", id, list, err)
			}
		})
	}

	// Nothing was executed: the schema is whole and nothing else changed.
	if got := schemaObjects(t, rawDB(t, path)); !slices.Equal(got, schema) {
		t.Errorf("schema changed:\n%s", cmp.Diff(schema, got))
	}
	all, err := s.ReadAll(ctx, 0, 1000, eventstore.Filter{})
	if err != nil || len(all) != 2+valid {
		t.Errorf("store holds %d events (%v), want %d", len(all), err, 2+valid)
	}
	if recs, err := s.ReadStream(ctx, "victim", 0, 10); err != nil || len(recs) != 2 {
		t.Errorf("victim stream: %d events, %v", len(recs), err)
	}
}

// typed is a test event whose type name is chosen at run time.
type typed struct {
	note
	typ string
}

func (e *typed) EventType() string { return e.typ }

func TestStore_HostileEventTypes(t *testing.T) {
	ctx := context.Background()
	reg := noteRegistry(t)
	var types []string
	for _, typ := range hostileStrings {
		if typ == "" {
			continue // refused by Register: an empty type
		}
		if err := reg.Register(func() eventstore.Event { return &typed{typ: typ} }); err != nil {
			t.Fatalf("Register(%q): %v", typ, err)
		}
		types = append(types, typ)
	}
	opts := testOptions(t)
	opts.Serializer = eventstore.NewJSONSerializer(reg)
	s, path := mustOpen(t, opts)
	schema := schemaObjects(t, rawDB(t, path))
	for i, typ := range types {
		mustAppend(t, s, "types", eventstore.Any, &typed{note: note{Text: fmt.Sprint(i)}, typ: typ})
	}
	recs, err := s.ReadStream(ctx, "types", 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		if r.EventType != types[i] || r.Event.EventType() != types[i] {
			t.Errorf("event %d: type %q, decoded as %q; want %q", i, r.EventType, r.Event.EventType(), types[i])
		}
		got, err := s.ReadAll(ctx, 0, 10, eventstore.Filter{EventType: types[i]})
		if err != nil || len(got) != 1 || got[0].Position != r.Position {
			t.Errorf("filter by type %q: %d events, %v", types[i], len(got), err)
		}
	}
	if got := schemaObjects(t, rawDB(t, path)); !slices.Equal(got, schema) {
		t.Errorf("schema changed:\n%s", cmp.Diff(schema, got))
	}
}

// corruptEvent overwrites stored columns of the event at position, as
// damage on disk or another program would: the immutability trigger is
// dropped first, in this raw connection only.
func corruptEvent(t testing.TB, db *sql.DB, position int64, set string, args ...any) {
	t.Helper()
	if _, err := db.Exec("DROP TRIGGER IF EXISTS events_are_immutable"); err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec("UPDATE events SET "+set+" WHERE position = ?", append(args, position)...)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("corrupted %d rows", n)
	}
}

// rawStore opens a raw connection to a store file that waits for locks.
func rawStore(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Damaged stored events are reported as *DecodeError naming stream,
// version and position; everything else stays readable and iterators go on
// past the damage.
func TestStore_CorruptStoredEvents(t *testing.T) {
	tests := []struct {
		name    string
		set     string
		args    []any
		wantErr error
	}{
		{"data not JSON", "data = ?", []any{[]byte("\x00\xffnot json")}, eventstore.ErrDeserializationFailed},
		{"data truncated", "data = ?", []any{[]byte(`{"text":"a`)}, eventstore.ErrDeserializationFailed},
		{"data of the wrong shape", "data = ?", []any{[]byte(`{"text":5,"n":"x"}`)}, eventstore.ErrDeserializationFailed},
		{"data empty", "data = ?", []any{[]byte{}}, eventstore.ErrDeserializationFailed},
		{"data as text", "data = ?", []any{"not json"}, eventstore.ErrDeserializationFailed},
		{"metadata not JSON", "metadata = ?", []any{[]byte("{{{")}, eventstore.ErrDeserializationFailed},
		{"metadata of the wrong shape", "metadata = ?", []any{[]byte(`{"source_id":[1,2]}`)}, eventstore.ErrDeserializationFailed},
		{"metadata empty", "metadata = ?", []any{[]byte{}}, eventstore.ErrDeserializationFailed},
		{"type mangled", "event_type = ?", []any{"no\x00te"}, eventstore.ErrInvalidEventType},
		{"type empty", "event_type = ?", []any{""}, eventstore.ErrInvalidEventType},
		{"schema version from the future", "schema_version = ?", []any{99}, eventstore.ErrDeserializationFailed},
		{"schema version zero", "schema_version = ?", []any{0}, eventstore.ErrDeserializationFailed},
		{"schema version negative", "schema_version = ?", []any{math.MinInt32}, eventstore.ErrDeserializationFailed},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions(t)
			opts.MaxReadBatch = 2 // iterators cross batches around the damage
			s, path := mustOpen(t, opts)
			mustAppend(t, s, "other", eventstore.NoStream, notes("o", 1)...) // position 1
			mustAppend(t, s, "s", eventstore.NoStream, notes("s", 4)...)     // positions 2-5
			const bad, badVersion = 3, 2
			corruptEvent(t, rawStore(t, path), bad, tt.set, tt.args...)

			checkDecodeError := func(what string, err error) {
				t.Helper()
				var de *eventstore.DecodeError
				if !errors.As(err, &de) || !errors.Is(err, tt.wantErr) {
					t.Fatalf("%s: err = %v, want a *DecodeError matching %v", what, err, tt.wantErr)
				}
				if de.StreamID != "s" || de.Version != badVersion || de.Position != bad {
					t.Errorf("%s: DecodeError names stream %q version %d position %d, want s 2 3", what, de.StreamID, de.Version, de.Position)
				}
				if msg := err.Error(); !strings.Contains(msg, `"s"`) || !strings.Contains(msg, "version 2") || !strings.Contains(msg, "position 3") {
					t.Errorf("%s: message %q does not name the event", what, msg)
				}
			}
			_, err := s.ReadStream(ctx, "s", 0, 2)
			checkDecodeError("ReadStream", err)
			_, err = s.ReadStreamBackward(ctx, "s", -1, 2)
			if err != nil {
				t.Errorf("ReadStreamBackward of the last two events: %v", err)
			}
			_, err = s.ReadAll(ctx, 0, 2, eventstore.Filter{})
			if err != nil {
				t.Errorf("ReadAll before the damage: %v", err)
			}
			_, err = s.ReadAll(ctx, 2, 2, eventstore.Filter{})
			checkDecodeError("ReadAll", err)

			// The rest of the store reads as before.
			if got, err := s.ReadStream(ctx, "s", 3, 2); err != nil || len(got) != 2 {
				t.Errorf("ReadStream after the damage: %d events, %v", len(got), err)
			}
			if got, err := s.ReadStream(ctx, "other", 0, 2); err != nil || len(got) != 1 {
				t.Errorf("other stream: %d events, %v", len(got), err)
			}
			if v, err := s.StreamVersion(ctx, "s"); err != nil || v != 4 {
				t.Errorf("StreamVersion = %d, %v", v, err)
			}

			// Iterators yield the damage once and go on.
			for name, seq := range map[string]func(func(eventstore.RecordedEvent, error) bool){
				"StreamEvents": s.StreamEvents(ctx, "s", 0),
				"AllEvents":    s.AllEvents(ctx, 0, eventstore.Filter{}),
			} {
				var good []int64
				errs := 0
				for rec, err := range seq {
					if err != nil {
						errs++
						checkDecodeError(name, err)
						continue
					}
					good = append(good, rec.Position)
				}
				want := []int64{2, 4, 5}
				if name == "AllEvents" {
					want = []int64{1, 2, 4, 5}
				}
				if errs != 1 || !slices.Equal(good, want) {
					t.Errorf("%s: positions %v and %d errors, want %v and 1", name, good, errs, want)
				}
			}

			// Appends go on after the damage.
			res := mustAppend(t, s, "s", 4, notes("t", 1)...)
			if res.Positions[0] != 6 {
				t.Errorf("next position %d, want 6", res.Positions[0])
			}
		})
	}
}

// storeDump is everything a caller can see of a store.
func storeDump(t *testing.T, s *eventstore.Store) string {
	t.Helper()
	var b strings.Builder
	for rec, err := range s.AllEvents(context.Background(), 0, eventstore.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %d %d %s %s %+v\n", rec.StreamID, rec.Version, rec.Position, rec.EventID, rec.EventType, rec.Event)
	}
	streams, err := s.Streams(context.Background(), eventstore.StreamQuery{})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%+v\n", streams)
	return b.String()
}

// Out-of-range arguments are refused with their sentinel before anything
// is written.
func TestStore_InvalidArguments(t *testing.T) {
	ctx := context.Background()
	opts := testOptions(t)
	opts.MaxAppendBatch = 3
	opts.MaxStreamSize = 5
	opts.MaxReadBatch = 10
	s, _ := mustOpen(t, opts)
	mustAppend(t, s, "s", eventstore.NoStream, notes("a", 3)...)
	before := storeDump(t, s)
	errInvalidDeleteMode := errors.New("invalid delete mode") // no sentinel: checked by message
	tests := []struct {
		name    string
		call    func() error
		wantErr error
	}{
		{"append over the batch limit", func() error { _, err := s.Append(ctx, "s", eventstore.Any, notes("b", 4)...); return err }, eventstore.ErrInvalidBatchSize},
		{"append over the stream size", func() error { _, err := s.Append(ctx, "s", 3, notes("b", 3)...); return err }, eventstore.ErrStreamTooLarge},
		{"expected version -4", func() error { _, err := s.Append(ctx, "s", -4, notes("b", 1)...); return err }, eventstore.ErrInvalidExpectedVersion},
		{"expected version MinInt64", func() error {
			_, err := s.Append(ctx, "s", eventstore.ExpectedVersion(math.MinInt64), notes("b", 1)...)
			return err
		}, eventstore.ErrInvalidExpectedVersion},
		{"expected version MaxInt64", func() error {
			_, err := s.Append(ctx, "s", eventstore.ExpectedVersion(math.MaxInt64), notes("b", 1)...)
			return err
		}, eventstore.ErrWrongExpectedVersion},
		{"delete with expected version -7", func() error { return s.DeleteStream(ctx, "s", -7, eventstore.HardDelete) }, eventstore.ErrInvalidExpectedVersion},
		{"delete mode 2", func() error { return s.DeleteStream(ctx, "s", eventstore.Any, eventstore.DeleteMode(2)) }, errInvalidDeleteMode},
		{"delete mode -1", func() error { return s.DeleteStream(ctx, "s", eventstore.Any, eventstore.DeleteMode(-1)) }, errInvalidDeleteMode},
		{"read count 0", func() error { _, err := s.ReadStream(ctx, "s", 0, 0); return err }, eventstore.ErrInvalidBatchSize},
		{"read count -1", func() error { _, err := s.ReadStream(ctx, "s", 0, -1); return err }, eventstore.ErrInvalidBatchSize},
		{"read count over the limit", func() error { _, err := s.ReadStream(ctx, "s", 0, 11); return err }, eventstore.ErrInvalidBatchSize},
		{"read count MinInt", func() error { _, err := s.ReadAll(ctx, 0, math.MinInt, eventstore.Filter{}); return err }, eventstore.ErrInvalidBatchSize},
		{"read from -1", func() error { _, err := s.ReadStream(ctx, "s", -1, 5); return err }, eventstore.ErrInvalidStartVersion},
		{"read backward from -2", func() error { _, err := s.ReadStreamBackward(ctx, "s", -2, 5); return err }, eventstore.ErrInvalidStartVersion},
		{"read all from MinInt64", func() error { _, err := s.ReadAll(ctx, math.MinInt64, 5, eventstore.Filter{}); return err }, eventstore.ErrInvalidStartVersion},
		{"read all backward from -2", func() error { _, err := s.ReadAllBackward(ctx, -2, 5, eventstore.Filter{}); return err }, eventstore.ErrInvalidStartVersion},
		{"iterate from -1", func() error {
			for _, err := range s.StreamEvents(ctx, "s", -1) {
				return err
			}
			return nil
		}, eventstore.ErrInvalidStartVersion},
		{"iterate all from -1", func() error {
			for _, err := range s.AllEvents(ctx, -1, eventstore.Filter{}) {
				return err
			}
			return nil
		}, eventstore.ErrInvalidStartVersion},
		{"streams limit -1", func() error { _, err := s.Streams(ctx, eventstore.StreamQuery{Limit: -1}); return err }, eventstore.ErrInvalidBatchSize},
		{"streams limit over", func() error { _, err := s.Streams(ctx, eventstore.StreamQuery{Limit: 11}); return err }, eventstore.ErrInvalidBatchSize},
		{"tx append with expected version -4", func() error {
			return s.Tx(ctx, "g", func(tx *eventstore.Tx) error {
				if _, err := tx.Append(ctx, "t", eventstore.Any, notes("t", 1)...); err != nil {
					return err
				}
				_, err := tx.Append(ctx, "s", -4, notes("b", 1)...)
				return err
			})
		}, eventstore.ErrInvalidExpectedVersion},
		{"tx delete mode 7", func() error {
			return s.Tx(ctx, "g", func(tx *eventstore.Tx) error {
				return tx.DeleteStream(ctx, "s", eventstore.Any, eventstore.DeleteMode(7))
			})
		}, errInvalidDeleteMode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.wantErr == errInvalidDeleteMode {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr.Error()) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
			} else if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if after := storeDump(t, s); after != before {
				t.Errorf("the store changed:\n%s", cmp.Diff(before, after))
			}
		})
	}
}

// Negative and zero limits mean the documented defaults; a durability
// setting the store does not know is refused rather than silently weakened.
func TestOpen_Options(t *testing.T) {
	ctx := context.Background()
	opts := testOptions(t)
	opts.MaxAppendBatch, opts.MaxStreamSize, opts.MaxReadBatch, opts.MaxReaders = -1, -1, -1, -1
	opts.BusyTimeout, opts.RetryDelay, opts.PollInterval = -time.Second, -time.Second, -time.Second
	s, _ := mustOpen(t, opts)
	mustAppend(t, s, "s", eventstore.NoStream, notes("a", eventstore.DefaultMaxAppendBatch)...)
	if _, err := s.Append(ctx, "s", eventstore.Any, notes("b", eventstore.DefaultMaxAppendBatch+1)...); !errors.Is(err, eventstore.ErrInvalidBatchSize) {
		t.Errorf("append over the default batch: err = %v", err)
	}
	if got, err := s.ReadStream(ctx, "s", 0, eventstore.DefaultMaxReadBatch); err != nil || len(got) != eventstore.DefaultMaxReadBatch {
		t.Errorf("read of the default batch: %d events, %v", len(got), err)
	}
	if _, err := s.ReadStream(ctx, "s", 0, eventstore.DefaultMaxReadBatch+1); !errors.Is(err, eventstore.ErrInvalidBatchSize) {
		t.Errorf("read over the default batch: err = %v", err)
	}

	for _, sync := range []eventstore.Synchronous{"BOGUS", "full", "OFF", "FULL); DROP TABLE events; --"} {
		opts := testOptions(t)
		opts.Synchronous = sync
		path := t.TempDir() + "/store.db"
		s, err := eventstore.Open(path, opts)
		if err == nil {
			s.Close()
			t.Errorf("Synchronous %q: Open succeeded", sync)
			continue
		}
		if !strings.Contains(err.Error(), "Synchronous") {
			t.Errorf("Synchronous %q: err = %v, want it to name the option", sync, err)
		}
	}
}
