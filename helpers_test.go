package eventstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
)

// note is the test-only event of the core store tests: the store must not
// depend on the GameBot events.
type note struct {
	Text string              `json:"text"`
	N    int                 `json:"n"`
	Meta eventstore.Metadata `json:"-"`
}

func (e *note) EventType() string                   { return "note" }
func (e *note) EventVersion() int                   { return 1 }
func (e *note) EventMetadata() *eventstore.Metadata { return &e.Meta }
func (e *note) EventGuildID() string                { return e.Meta.GuildID }
func (e *note) Validate(time.Time) error {
	if e.Text == "" {
		return &eventstore.ValidationError{Field: "text", Message: "text is required"}
	}
	return nil
}

// noteRegistry registers the test event.
func noteRegistry(tb testing.TB) *eventstore.Registry {
	tb.Helper()
	r := eventstore.NewRegistry()
	if err := r.Register(func() eventstore.Event { return &note{} }); err != nil {
		tb.Fatal(err)
	}
	return r
}

// testClock is a fixed clock, so commit times are reproducible.
var testClock = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// testOptions returns options for the test event with a fixed clock.
func testOptions(tb testing.TB) *eventstore.Options {
	return &eventstore.Options{
		Serializer: eventstore.NewJSONSerializer(noteRegistry(tb)),
		Now:        func() time.Time { return testClock },
	}
}

// mustOpen opens a store in a new file under tb.TempDir. At cleanup it
// checks the file's integrity and closes the store.
func mustOpen(tb testing.TB, opts *eventstore.Options) (*eventstore.Store, string) {
	tb.Helper()
	if opts == nil {
		opts = testOptions(tb)
	}
	path := filepath.Join(tb.TempDir(), "store.db")
	s, err := eventstore.Open(path, opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		s.Close()
		checkIntegrity(tb, path)
	})
	return s, path
}

// notes returns n test events with texts prefix-1, prefix-2, …
func notes(prefix string, n int) []eventstore.Event {
	out := make([]eventstore.Event, n)
	for i := range out {
		out[i] = &note{Text: fmt.Sprintf("%s-%d", prefix, i+1), N: i + 1}
	}
	return out
}

// noteWithID returns a test event with a caller-chosen event id.
func noteWithID(text, id string) *note {
	return &note{Text: text, Meta: eventstore.Metadata{EventID: id}}
}

// mustAppend appends or fails the test.
func mustAppend(tb testing.TB, s *eventstore.Store, stream string, expected eventstore.ExpectedVersion, events ...eventstore.Event) eventstore.AppendResult {
	tb.Helper()
	res, err := s.Append(context.Background(), stream, expected, events...)
	if err != nil {
		tb.Fatalf("Append(%q, %v): %v", stream, expected, err)
	}
	return res
}

// texts returns the texts of recorded test events.
func texts(tb testing.TB, recs []eventstore.RecordedEvent) []string {
	tb.Helper()
	out := make([]string, len(recs))
	for i, r := range recs {
		n, ok := r.Event.(*note)
		if !ok {
			tb.Fatalf("event %d is %T, want *note", i, r.Event)
		}
		out[i] = n.Text
	}
	return out
}
