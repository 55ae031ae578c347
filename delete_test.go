package eventstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gamebot/eventstore"
)

func TestStore_DeleteStream(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		setup    func(t *testing.T, s *eventstore.Store) // stream "s"
		expected eventstore.ExpectedVersion
		mode     eventstore.DeleteMode
		wantErr  error
	}{
		{"soft", withEvents(2), 2, eventstore.SoftDelete, nil},
		{"hard", withEvents(2), eventstore.Any, eventstore.HardDelete, nil},
		{"stream exists", withEvents(1), eventstore.StreamExists, eventstore.HardDelete, nil},
		{"wrong version", withEvents(2), 1, eventstore.SoftDelete, eventstore.ErrWrongExpectedVersion},
		{"no stream expected", withEvents(2), eventstore.NoStream, eventstore.HardDelete, eventstore.ErrWrongExpectedVersion},
		{"absent", withEvents(0), eventstore.Any, eventstore.SoftDelete, eventstore.ErrStreamNotFound},
		{"invalid expected", withEvents(1), -9, eventstore.SoftDelete, eventstore.ErrInvalidExpectedVersion},
		{"soft twice", softDeleted, eventstore.Any, eventstore.SoftDelete, eventstore.ErrStreamDeleted},
		{"hard after soft", softDeleted, eventstore.Any, eventstore.HardDelete, eventstore.ErrStreamDeleted},
		{"hard twice", hardDeleted, eventstore.Any, eventstore.HardDelete, eventstore.ErrStreamNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := mustOpen(t, nil)
			tt.setup(t, s)
			mustAppend(t, s, "bystander", eventstore.NoStream, notes("b", 1)...)
			err := s.DeleteStream(ctx, "s", tt.expected, tt.mode)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if recs, err := s.ReadStream(ctx, "bystander", 0, 10); err != nil || len(recs) != 1 {
				t.Errorf("bystander stream: %d events, %v", len(recs), err)
			}
		})
	}
}

func withEvents(n int) func(t *testing.T, s *eventstore.Store) {
	return func(t *testing.T, s *eventstore.Store) {
		if n > 0 {
			mustAppend(t, s, "s", eventstore.NoStream, notes("s", n)...)
		}
	}
}

func softDeleted(t *testing.T, s *eventstore.Store) {
	withEvents(2)(t, s)
	if err := s.DeleteStream(context.Background(), "s", eventstore.Any, eventstore.SoftDelete); err != nil {
		t.Fatal(err)
	}
}

func hardDeleted(t *testing.T, s *eventstore.Store) {
	withEvents(2)(t, s)
	if err := s.DeleteStream(context.Background(), "s", eventstore.Any, eventstore.HardDelete); err != nil {
		t.Fatal(err)
	}
}

func TestStore_DeleteStream_SoftKeepsGlobalOrder(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	softDeleted(t, s)
	all, err := s.ReadAll(ctx, 0, 10, eventstore.Filter{})
	if err != nil || len(all) != 2 {
		t.Fatalf("ReadAll after soft delete: %d events, %v; want 2", len(all), err)
	}
	// Ids of soft-deleted events stay taken.
	_, err = s.Append(ctx, "t", eventstore.Any, noteWithID("again", all[0].EventID))
	if !errors.Is(err, eventstore.ErrDuplicateEvent) {
		t.Errorf("reusing a soft-deleted id: err = %v, want ErrDuplicateEvent", err)
	}
}

func TestStore_DeleteStream_HardRemovesEvents(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	hardDeleted(t, s)
	if _, err := s.ReadStream(ctx, "s", 0, 10); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("ReadStream after hard delete: err = %v, want ErrStreamNotFound", err)
	}
	if _, err := s.StreamInfo(ctx, "s"); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("StreamInfo after hard delete: err = %v, want ErrStreamNotFound", err)
	}
	if v, err := s.StreamVersion(ctx, "s"); v != 0 || err != nil {
		t.Errorf("StreamVersion after hard delete = %d, %v; want 0", v, err)
	}
	all, _ := s.ReadAll(ctx, 0, 10, eventstore.Filter{})
	if len(all) != 0 {
		t.Errorf("ReadAll after hard delete: %d events, want 0", len(all))
	}
}
