package eventstore_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gamebot/eventstore"
)

// dirState is a fingerprint of a directory: every file's name and sha256.
// Comparing it before and after Open proves a refused file was not touched
// and no -wal or -shm file was left beside it.
func dirState(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	state := make(map[string][32]byte)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		state[e.Name()] = sha256.Sum256(b)
	}
	return state
}

func diffState(before, after map[string][32]byte) string {
	var diffs []string
	for name, sum := range after {
		if old, ok := before[name]; !ok {
			diffs = append(diffs, name+" appeared")
		} else if old != sum {
			diffs = append(diffs, name+" changed")
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			diffs = append(diffs, name+" vanished")
		}
	}
	slices.Sort(diffs)
	return strings.Join(diffs, ", ")
}

// storeFile writes a closed store of n events and returns its path.
func storeFile(t *testing.T, dir string, n int) string {
	t.Helper()
	path := filepath.Join(dir, "store.db")
	s, err := eventstore.Open(path, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i += 100 {
		mustAppend(t, s, fmt.Sprintf("s-%d", i%7), eventstore.Any, notes(strings.Repeat("x", 200), min(100, n-i))...)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// Files that are not stores, or not stores this version can use, are
// refused at Open with an error matching ErrConnection that says what is
// wrong, and are left exactly as they were.
func TestOpen_RefusesFilesThatAreNotOurs(t *testing.T) {
	tests := []struct {
		name    string
		make    func(t *testing.T, dir string) string
		wantMsg string
	}{
		{"random bytes", func(t *testing.T, dir string) string {
			path := filepath.Join(dir, "random.db")
			b := make([]byte, 8192)
			rand.Read(b)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return path
		}, "not a SQLite database"},
		{"short text file", func(t *testing.T, dir string) string {
			path := filepath.Join(dir, "notes.txt")
			if err := os.WriteFile(path, []byte("hello"), 0o644); err != nil {
				t.Fatal(err)
			}
			return path
		}, "not a SQLite database"},
		{"truncated store", func(t *testing.T, dir string) string {
			path := storeFile(t, dir, 2000)
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, info.Size()/2); err != nil {
				t.Fatal(err)
			}
			return path
		}, "malformed"},
		{"another application's database", func(t *testing.T, dir string) string {
			path := filepath.Join(dir, "app.db")
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada')"); err != nil {
				t.Fatal(err)
			}
			return path
		}, "not an event store"},
		{"newer schema version", func(t *testing.T, dir string) string {
			path := storeFile(t, dir, 10)
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", eventstore.SchemaVersion+1)); err != nil {
				t.Fatal(err)
			}
			return path
		}, "newer than this library"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.make(t, dir)
			before := dirState(t, dir)
			s, err := eventstore.Open(path, testOptions(t))
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, eventstore.ErrConnection) {
				t.Errorf("err = %v, want ErrConnection", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), path) {
				t.Errorf("err = %q, want it to name the file and say %q", err, tt.wantMsg)
			}
			if diff := diffState(before, dirState(t, dir)); diff != "" {
				t.Errorf("refused file was touched: %s", diff)
			}
		})
	}
}

// An empty file is a new store.
func TestOpen_EmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := eventstore.Open(path, testOptions(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	mustAppend(t, s, "s", eventstore.NoStream, notes("a", 3)...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkIntegrity(t, path)
	s, err = eventstore.Open(path, testOptions(t))
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if v, err := s.StreamVersion(context.Background(), "s"); err != nil || v != 3 {
		t.Errorf("StreamVersion = %d, %v; want 3", v, err)
	}
}

func TestOpen_Memory(t *testing.T) {
	s, err := eventstore.Open(":memory:", testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustAppend(t, s, "s", eventstore.NoStream, notes("a", 2)...)
	recs, err := s.ReadStream(context.Background(), "s", 0, 10)
	if err != nil || len(recs) != 2 {
		t.Fatalf("ReadStream: %d events, %v", len(recs), err)
	}
}

func TestOpen_BadPaths(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, path, wantMsg string
	}{
		{"empty", "", "empty path"},
		{"missing directory", filepath.Join(dir, "no", "such", "dir", "store.db"), "no such directory"},
		{"a directory", dir, "is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := eventstore.Open(tt.path, testOptions(t))
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, eventstore.ErrConnection) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want ErrConnection saying %q", err, tt.wantMsg)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "no")); !os.IsNotExist(err) {
		t.Errorf("Open created directories: %v", err)
	}
}

// Every method of a closed store returns ErrConnection.
func TestStore_Closed(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	mustAppend(t, s, "s", eventstore.NoStream, notes("a", 2)...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	firstErr := func(seq func(func(eventstore.RecordedEvent, error) bool)) error {
		for _, err := range seq {
			return err
		}
		return errors.New("the iterator yielded nothing")
	}
	tests := []struct {
		method string
		call   func() error
	}{
		{"Append", func() error { _, err := s.Append(ctx, "s", eventstore.Any, notes("b", 1)...); return err }},
		{"Append without events", func() error { _, err := s.Append(ctx, "s", eventstore.Any); return err }},
		{"ReadStream", func() error { _, err := s.ReadStream(ctx, "s", 0, 10); return err }},
		{"ReadStreamBackward", func() error { _, err := s.ReadStreamBackward(ctx, "s", -1, 10); return err }},
		{"ReadAll", func() error { _, err := s.ReadAll(ctx, 0, 10, eventstore.Filter{}); return err }},
		{"ReadAllBackward", func() error { _, err := s.ReadAllBackward(ctx, -1, 10, eventstore.Filter{}); return err }},
		{"StreamEvents", func() error { return firstErr(s.StreamEvents(ctx, "s", 0)) }},
		{"AllEvents", func() error { return firstErr(s.AllEvents(ctx, 0, eventstore.Filter{})) }},
		{"StreamVersion", func() error { _, err := s.StreamVersion(ctx, "s"); return err }},
		{"StreamInfo", func() error { _, err := s.StreamInfo(ctx, "s"); return err }},
		{"Streams", func() error { _, err := s.Streams(ctx, eventstore.StreamQuery{}); return err }},
		{"DeleteStream", func() error { return s.DeleteStream(ctx, "s", eventstore.Any, eventstore.SoftDelete) }},
		{"Tx", func() error { return s.Tx(ctx, "guild", func(*eventstore.Tx) error { return nil }) }},
		{"Tx with nil function", func() error { return s.Tx(ctx, "guild", nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, eventstore.ErrConnection) {
				t.Errorf("err = %v, want ErrConnection", err)
			}
		})
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
