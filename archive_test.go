package eventstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

// placed is what must survive an archive and restore: id, version, text.
type placed struct {
	ID      string
	Version int64
	Text    string
}

func placements(tb testing.TB, recs []eventstore.RecordedEvent) []placed {
	tb.Helper()
	out := make([]placed, len(recs))
	for i, r := range recs {
		out[i] = placed{r.EventID, r.Version, texts(tb, recs[i:i+1])[0]}
	}
	return out
}

// idNotes returns n test events with fixed ids, so archives are comparable.
func idNotes(prefix string, n int) []eventstore.Event {
	out := make([]eventstore.Event, n)
	for i := range out {
		out[i] = noteWithID(fmt.Sprintf("%s-%d", prefix, i+1), fmt.Sprintf("%s-id-%d", prefix, i+1))
	}
	return out
}

func TestStore_ArchiveStream_RestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	mustAppend(t, s, "game-1", eventstore.NoStream, idNotes("g", 3)...)
	mustAppend(t, s, "other", eventstore.NoStream, idNotes("o", 1)...)
	before, err := s.ReadStream(ctx, "game-1", 0, 10)
	if err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "game-1.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.ArchiveStream(ctx, "game-1", f)
	if err != nil || n != 3 {
		t.Fatalf("ArchiveStream = %d, %v; want 3, nil", n, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadStream(ctx, "game-1", 0, 10); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Fatalf("ReadStream after archive: err = %v, want ErrStreamNotFound", err)
	}
	if v, err := s.StreamVersion(ctx, "other"); err != nil || v != 1 {
		t.Fatalf("other stream: version %d, %v; want 1, nil", v, err)
	}
	archived, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(archived), "\n"); got != 3 {
		t.Fatalf("archive has %d lines, want 3", got)
	}

	for try := range 2 { // the second restore is an idempotent no-op
		n, err = s.RestoreStream(ctx, bytes.NewReader(archived))
		if err != nil || n != 3 {
			t.Fatalf("RestoreStream #%d = %d, %v; want 3, nil", try+1, n, err)
		}
		after, err := s.ReadStream(ctx, "game-1", 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(placements(t, before), placements(t, after)); diff != "" {
			t.Fatalf("restored stream (-want +got):\n%s", diff)
		}
		// Positions of hard-deleted events are never handed out again.
		if after[0].Position <= before[2].Position {
			t.Fatalf("restored position %d reuses a position up to %d", after[0].Position, before[2].Position)
		}
	}
}

func TestStore_ArchiveStream_Errors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		setup   func(t *testing.T, s *eventstore.Store) // stream "s"
		stream  string
		w       func() *failWriter
		wantErr error
	}{
		{"absent", withEvents(0), "s", nil, eventstore.ErrStreamNotFound},
		{"soft-deleted", softDeleted, "s", nil, eventstore.ErrStreamDeleted},
		{"hard-deleted", hardDeleted, "s", nil, eventstore.ErrStreamNotFound},
		{"invalid id", withEvents(1), "$s", nil, eventstore.ErrInvalidStreamID},
		{"write fails", withEvents(2), "s", func() *failWriter { return &failWriter{err: errDisk} }, errDisk},
		{"sync fails", withEvents(2), "s", func() *failWriter { return &failWriter{syncErr: errDisk} }, errDisk},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := mustOpen(t, nil)
			tt.setup(t, s)
			before, _ := s.ReadAll(ctx, 0, 100, eventstore.Filter{})
			w := &failWriter{}
			if tt.w != nil {
				w = tt.w()
			}
			if _, err := s.ArchiveStream(ctx, tt.stream, w); !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			// A failed archive deletes nothing.
			after, _ := s.ReadAll(ctx, 0, 100, eventstore.Filter{})
			if len(after) != len(before) {
				t.Fatalf("%d events after a failed archive, want %d", len(after), len(before))
			}
		})
	}
}

func TestStore_ArchiveStream_SyncsBeforeDelete(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	mustAppend(t, s, "s", eventstore.NoStream, notes("n", 2)...)
	w := &failWriter{}
	w.onSync = func() {
		// The stream is still there when the archive reaches the disk.
		if v, err := s.StreamVersion(ctx, "s"); err != nil || v != 2 {
			t.Errorf("at sync: version %d, %v; want 2, nil", v, err)
		}
	}
	if _, err := s.ArchiveStream(ctx, "s", w); err != nil {
		t.Fatal(err)
	}
	if w.syncs != 1 {
		t.Fatalf("synced %d times, want 1", w.syncs)
	}
	if got := strings.Count(w.buf.String(), "\n"); got != 2 {
		t.Fatalf("wrote %d lines, want 2", got)
	}
}

func TestStore_RestoreStream_Errors(t *testing.T) {
	ctx := context.Background()
	// archive returns the JSONL of a stream's events, read from a scratch
	// store.
	archive := func(t *testing.T, stream string, events ...eventstore.Event) string {
		src, _ := mustOpen(t, nil)
		mustAppend(t, src, stream, eventstore.NoStream, events...)
		var b bytes.Buffer
		if _, err := src.ArchiveStream(ctx, stream, &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	lines := func(s string) []string { return strings.SplitAfter(strings.TrimSuffix(s, "\n")+"\n", "\n") }

	tests := []struct {
		name     string
		input    func(t *testing.T) string
		setup    func(t *testing.T, s *eventstore.Store)
		wantN    int
		wantErr  error
		wantLine int
	}{
		{name: "empty", input: func(*testing.T) string { return "" }},
		{
			name:    "malformed line",
			input:   func(t *testing.T) string { return lines(archive(t, "s", idNotes("a", 3)...))[0] + "{not json\n" },
			wantErr: eventstore.ErrDeserializationFailed, wantLine: 2,
		},
		{
			name: "truncated last line",
			input: func(t *testing.T) string {
				a := archive(t, "s", idNotes("a", 2)...)
				return a[:len(a)-20]
			},
			wantErr: eventstore.ErrDeserializationFailed, wantLine: 2,
		},
		{
			name: "two streams",
			input: func(t *testing.T) string {
				return lines(archive(t, "s", idNotes("a", 1)...))[0] + archive(t, "t", idNotes("b", 1)...)
			},
			wantErr: eventstore.ErrDeserializationFailed, wantLine: 2,
		},
		{
			name: "gap",
			input: func(t *testing.T) string {
				l := lines(archive(t, "s", idNotes("a", 3)...))
				return l[0] + l[2]
			},
			wantErr: eventstore.ErrDeserializationFailed, wantLine: 2,
		},
		{
			name:    "stream taken",
			input:   func(t *testing.T) string { return archive(t, "s", idNotes("a", 2)...) },
			setup:   func(t *testing.T, s *eventstore.Store) { mustAppend(t, s, "s", eventstore.NoStream, notes("x", 1)...) },
			wantErr: eventstore.ErrWrongExpectedVersion,
		},
		{
			name:  "ids taken elsewhere",
			input: func(t *testing.T) string { return archive(t, "s", idNotes("a", 2)...) },
			setup: func(t *testing.T, s *eventstore.Store) {
				mustAppend(t, s, "t", eventstore.NoStream, idNotes("a", 2)...)
			},
			wantErr: eventstore.ErrDuplicateEvent,
		},
		{
			name:  "tail of a stream",
			input: func(t *testing.T) string { return lines(archive(t, "s", idNotes("a", 3)...))[2] },
			setup: func(t *testing.T, s *eventstore.Store) {
				mustAppend(t, s, "s", eventstore.NoStream, notes("x", 2)...)
			},
			wantN: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := tt.input(t)
			s, _ := mustOpen(t, nil)
			if tt.setup != nil {
				tt.setup(t, s)
			}
			before, _ := s.ReadAll(ctx, 0, 100, eventstore.Filter{})
			n, err := s.RestoreStream(ctx, strings.NewReader(input))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			var le *eventstore.LineError
			if tt.wantLine > 0 && (!errors.As(err, &le) || le.Line != tt.wantLine) {
				t.Fatalf("err = %v, want a *LineError on line %d", err, tt.wantLine)
			}
			if n != tt.wantN {
				t.Fatalf("n = %d, want %d", n, tt.wantN)
			}
			after, _ := s.ReadAll(ctx, 0, 100, eventstore.Filter{})
			if tt.wantErr != nil && len(after) != len(before) {
				t.Fatalf("%d events after a failed restore, want %d", len(after), len(before))
			}
		})
	}
}

var errDisk = errors.New("disk on fire")

// failWriter collects what is written, fails writes or syncs on demand and
// counts syncs.
type failWriter struct {
	buf     bytes.Buffer
	err     error
	syncErr error
	syncs   int
	onSync  func()
}

func (w *failWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	return w.buf.Write(p)
}

func (w *failWriter) Sync() error {
	w.syncs++
	if w.onSync != nil {
		w.onSync()
	}
	return w.syncErr
}
