package eventstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

// writeV1Store creates a store file as version 1 of the library left it:
// schema.sql, the application id, user_version 1, and three events of one
// stream inserted as that version's Append wrote them.
func writeV1Store(t *testing.T, path string) {
	t.Helper()
	schema, err := os.ReadFile("schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if _, err := db.Exec(string(schema)); err != nil {
		t.Fatalf("schema version 1: %v", err)
	}
	if _, err := db.Exec("PRAGMA application_id = 0x47424553; PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	created := testClock.UnixMicro()
	for v := 1; v <= 3; v++ {
		_, err := db.Exec(`INSERT INTO events (stream_id, version, event_id, event_type, schema_version, data, metadata, created_at)
			VALUES ('old', ?, ?, 'note', 1, ?, '{}', ?)`,
			v, fmt.Sprintf("id-%d", v), fmt.Sprintf(`{"text":"v1-%d","n":0}`, v), created)
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO streams (stream_id, version, event_count, created_at, updated_at)
		VALUES ('old', 3, 3, ?, ?)`, created, created); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func userVersion(t *testing.T, path string) int {
	t.Helper()
	var v int
	if err := rawDB(t, path).QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpen_MigratesVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	writeV1Store(t, path)

	s, err := eventstore.Open(path, testOptions(t))
	if err != nil {
		t.Fatalf("Open of a version-1 file: %v", err)
	}
	recs, err := s.ReadStream(ctx, "old", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"v1-1", "v1-2", "v1-3"}, texts(t, recs)); diff != "" {
		t.Errorf("events after migration (-want +got):\n%s", diff)
	}
	// The new tables work, and the log goes on where it stopped.
	res := mustAppend(t, s, "old", 3, notes("v2", 1)...)
	if res.Version != 4 || res.Positions[0] != 4 {
		t.Errorf("append after migration: version %d position %d, want 4 and 4", res.Version, res.Positions[0])
	}
	if err := s.SaveSnapshot(ctx, "old", 4, 1, []byte("state")); err != nil {
		t.Errorf("SaveSnapshot after migration: %v", err)
	}
	sub, err := s.SubscribeNamed(ctx, "after-migration", eventstore.AllStreams, nil)
	if err != nil {
		t.Fatalf("SubscribeNamed after migration: %v", err)
	}
	sub.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := userVersion(t, path); got != eventstore.SchemaVersion {
		t.Errorf("user_version = %d, want %d", got, eventstore.SchemaVersion)
	}
	var tables int
	err = rawDB(t, path).QueryRow(`SELECT count(*) FROM sqlite_schema
		WHERE type = 'table' AND name IN ('snapshots', 'subscriptions')`).Scan(&tables)
	if err != nil || tables != 2 {
		t.Errorf("version-2 tables: %d found (err %v), want 2", tables, err)
	}
	checkIntegrity(t, path)
}

func TestOpen_RefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "future.db")
	writeV1Store(t, path)
	db := rawDB(t, path)
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	s, err := eventstore.Open(path, testOptions(t))
	if !errors.Is(err, eventstore.ErrConnection) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("Open of a version-99 file: err = %v, want ErrConnection", err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("Open changed the refused file (%d bytes before, %d after)", len(before), len(after))
	}
}

// writeV2Store creates a store file as version 2 of the library left it:
// the version-1 file of writeV1Store taken to version 2 by schema_2.sql.
// Its stream "lost" records version 2 but holds only its first event: an
// event removed from outside the store.
func writeV2Store(t *testing.T, path string) {
	t.Helper()
	writeV1Store(t, path)
	schema, err := os.ReadFile("schema_2.sql")
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if _, err := db.Exec(string(schema)); err != nil {
		t.Fatalf("schema version 2: %v", err)
	}
	created := testClock.UnixMicro()
	if _, err := db.Exec(`INSERT INTO events (stream_id, version, event_id, event_type, schema_version, data, metadata, created_at)
		VALUES ('lost', 1, 'lost-1', 'note', 1, '{"text":"v2-1","n":0}', '{}', ?)`, created); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO streams (stream_id, version, event_count, created_at, updated_at)
		VALUES ('lost', 2, 2, ?, ?)`, created, created); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 2"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpen_MigratesVersion2(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v2.db")
	writeV2Store(t, path)

	s, err := eventstore.Open(path, testOptions(t))
	if err != nil {
		t.Fatalf("Open of a version-2 file: %v", err)
	}
	recs, err := s.ReadStream(ctx, "old", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"v1-1", "v1-2", "v1-3"}, texts(t, recs)); diff != "" {
		t.Errorf("events after migration (-want +got):\n%s", diff)
	}
	info, err := s.StreamInfo(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	if info.Version != 3 || info.EventCount != 3 || !info.CreatedAt.Equal(testClock) || !info.UpdatedAt.Equal(testClock) {
		t.Errorf("StreamInfo after migration = %+v, want version 3, 3 events, created and updated at %v", info, testClock)
	}
	// The recorded version of a stream missing its last event survives.
	if v, err := s.StreamVersion(ctx, "lost"); err != nil || v != 2 {
		t.Errorf("StreamVersion of the damaged stream = %d, %v; want 2", v, err)
	}
	res := mustAppend(t, s, "old", 3, notes("v3", 1)...)
	if res.Version != 4 || res.Positions[0] != 5 {
		t.Errorf("append after migration: version %d position %d, want 4 and 5", res.Version, res.Positions[0])
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := userVersion(t, path); got != eventstore.SchemaVersion {
		t.Errorf("user_version = %d, want %d", got, eventstore.SchemaVersion)
	}
	checkIntegrity(t, path)
}
