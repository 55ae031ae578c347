package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

// snapshotCount counts the stored snapshots of a stream, of any schema
// version, valid or not.
func snapshotCount(t *testing.T, path, stream string) int {
	t.Helper()
	var n int
	if err := rawDB(t, path).QueryRow("SELECT count(*) FROM snapshots WHERE stream_id = ?", stream).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func mustSaveSnapshot(t *testing.T, s *eventstore.Store, stream string, version int64, schema int, state string) {
	t.Helper()
	if err := s.SaveSnapshot(context.Background(), stream, version, schema, []byte(state)); err != nil {
		t.Fatalf("SaveSnapshot(%q, %d, %d): %v", stream, version, schema, err)
	}
}

func TestStore_LoadSnapshot_Newest(t *testing.T) {
	s, _ := mustOpen(t, nil)
	appendNotes(t, s, "other", 2)
	appendNotes(t, s, "g", 10)
	for _, v := range []int64{3, 7, 5} {
		mustSaveSnapshot(t, s, "g", v, 1, fmt.Sprintf("state at %d", v))
	}
	got, err := s.LoadSnapshot(context.Background(), "g", 1)
	if err != nil {
		t.Fatal(err)
	}
	want := eventstore.Snapshot{StreamID: "g", Version: 7, Position: 9, SchemaVersion: 1,
		State: []byte("state at 7"), CreatedAt: testClock}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LoadSnapshot (-want +got):\n%s", diff)
	}

	// Saving at the same version again replaces the snapshot.
	mustSaveSnapshot(t, s, "g", 7, 1, "again")
	if got, _ := s.LoadSnapshot(context.Background(), "g", 1); string(got.State) != "again" {
		t.Errorf("state after saving again = %q, want %q", got.State, "again")
	}
}

func TestStore_LoadSnapshot_OtherSchemaVersionIgnored(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	appendNotes(t, s, "g", 10)
	mustSaveSnapshot(t, s, "g", 8, 1, "v1")
	if _, err := s.LoadSnapshot(ctx, "g", 2); !errors.Is(err, eventstore.ErrSnapshotNotFound) {
		t.Fatalf("schema version 2 with only a version-1 snapshot: err = %v, want ErrSnapshotNotFound", err)
	}
	mustSaveSnapshot(t, s, "g", 4, 2, "v2")
	got, err := s.LoadSnapshot(ctx, "g", 2)
	if err != nil || got.Version != 4 || string(got.State) != "v2" {
		t.Errorf("LoadSnapshot(2) = version %d %q, %v; want version 4 \"v2\"", got.Version, got.State, err)
	}
	// Saving a newer schema version drops the older one's snapshots.
	if _, err := s.LoadSnapshot(ctx, "g", 1); !errors.Is(err, eventstore.ErrSnapshotNotFound) {
		t.Errorf("schema version 1 after a version-2 save: err = %v, want ErrSnapshotNotFound", err)
	}
}

func TestStore_SaveSnapshot_KeepsNewestThree(t *testing.T) {
	s, path := mustOpen(t, nil)
	appendNotes(t, s, "g", 10)
	for v := int64(1); v <= 6; v++ {
		mustSaveSnapshot(t, s, "g", v, 1, fmt.Sprint(v))
	}
	if n := snapshotCount(t, path, "g"); n != 3 {
		t.Errorf("%d snapshots kept, want 3", n)
	}
	if got, _ := s.LoadSnapshot(context.Background(), "g", 1); got.Version != 6 {
		t.Errorf("newest snapshot is at version %d, want 6", got.Version)
	}
}

func TestStore_SaveSnapshot_Errors(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	appendNotes(t, s, "g", 3)
	appendNotes(t, s, "soft", 3)
	if err := s.DeleteStream(ctx, "soft", eventstore.Any, eventstore.SoftDelete); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		stream  string
		version int64
		schema  int
		wantErr error // nil: any error
	}{
		{"invalid id", "", 1, 1, eventstore.ErrInvalidStreamID},
		{"absent stream", "nothing", 1, 1, eventstore.ErrStreamNotFound},
		{"beyond the stream", "g", 4, 1, eventstore.ErrStreamNotFound},
		{"version 0", "g", 0, 1, eventstore.ErrStreamNotFound},
		{"soft-deleted", "soft", 3, 1, eventstore.ErrStreamDeleted},
		{"schema version 0", "g", 3, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.SaveSnapshot(ctx, tt.stream, tt.version, tt.schema, []byte("x"))
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
	s.Close()
	if err := s.SaveSnapshot(ctx, "g", 1, 1, nil); !errors.Is(err, eventstore.ErrConnection) {
		t.Errorf("closed store: SaveSnapshot err = %v, want ErrConnection", err)
	}
	if _, err := s.LoadSnapshot(ctx, "g", 1); !errors.Is(err, eventstore.ErrConnection) {
		t.Errorf("closed store: LoadSnapshot err = %v, want ErrConnection", err)
	}
	if err := s.DeleteSnapshots(ctx, "g"); !errors.Is(err, eventstore.ErrConnection) {
		t.Errorf("closed store: DeleteSnapshots err = %v, want ErrConnection", err)
	}
}

func TestStore_DeleteSnapshots(t *testing.T) {
	ctx := context.Background()
	s, path := mustOpen(t, nil)
	appendNotes(t, s, "g", 4)
	appendNotes(t, s, "h", 4)
	mustSaveSnapshot(t, s, "g", 2, 1, "a")
	mustSaveSnapshot(t, s, "g", 4, 3, "b")
	mustSaveSnapshot(t, s, "h", 4, 1, "c")
	if err := s.DeleteSnapshots(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	if n := snapshotCount(t, path, "g"); n != 0 {
		t.Errorf("%d snapshots left after DeleteSnapshots, want 0", n)
	}
	if _, err := s.LoadSnapshot(ctx, "h", 1); err != nil {
		t.Errorf("another stream's snapshot: %v", err)
	}
	if err := s.DeleteSnapshots(ctx, "g"); err != nil {
		t.Errorf("DeleteSnapshots without snapshots: %v", err)
	}
	if err := s.DeleteSnapshots(ctx, "$all"); !errors.Is(err, eventstore.ErrInvalidStreamID) {
		t.Errorf("DeleteSnapshots($all): err = %v, want ErrInvalidStreamID", err)
	}
}

func TestStore_DeleteStream_DropsSnapshots(t *testing.T) {
	ctx := context.Background()
	s, path := mustOpen(t, nil)
	appendNotes(t, s, "soft", 4)
	appendNotes(t, s, "hard", 4)
	mustSaveSnapshot(t, s, "soft", 4, 1, "a")
	mustSaveSnapshot(t, s, "hard", 4, 1, "b")
	if err := s.DeleteStream(ctx, "soft", 4, eventstore.SoftDelete); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStream(ctx, "hard", 4, eventstore.HardDelete); err != nil {
		t.Fatal(err)
	}
	if n := snapshotCount(t, path, "hard"); n != 0 {
		t.Errorf("hard delete left %d snapshots, want 0", n)
	}
	if n := snapshotCount(t, path, "soft"); n != 1 {
		t.Errorf("soft delete left %d snapshots, want 1", n)
	}
	// The id used again: the old snapshot is gone for good.
	appendNotes(t, s, "hard", 6)
	if _, err := s.LoadSnapshot(ctx, "hard", 1); !errors.Is(err, eventstore.ErrSnapshotNotFound) {
		t.Errorf("after hard delete and new events: err = %v, want ErrSnapshotNotFound", err)
	}
}

// A snapshot whose event is no longer stored where it was taken is not
// loaded: one beyond the stream's version, or one of an earlier stream of
// the same id (written by a process that did not delete it).
func TestStore_LoadSnapshot_IgnoresStaleSnapshots(t *testing.T) {
	ctx := context.Background()
	s, path := mustOpen(t, nil)
	appendNotes(t, s, "g", 10)
	mustSaveSnapshot(t, s, "g", 5, 1, "valid")
	db := rawDB(t, path)
	insert := func(version, position int64) {
		t.Helper()
		if _, err := db.Exec(`INSERT INTO snapshots (stream_id, version, position, state_version, state, created_at)
			VALUES ('g', ?, ?, 1, 'stale', 0)`, version, position); err != nil {
			t.Fatal(err)
		}
	}
	insert(50, 50) // beyond the stream
	insert(8, 3)   // version 8 is stored, at another position
	got, err := s.LoadSnapshot(ctx, "g", 1)
	if err != nil || got.Version != 5 || string(got.State) != "valid" {
		t.Errorf("LoadSnapshot = version %d %q, %v; want version 5 \"valid\"", got.Version, got.State, err)
	}
}
