package eventstore_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

func mustCheckpoint(t *testing.T, s *eventstore.Store, name string) int64 {
	t.Helper()
	p, err := s.Checkpoint(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustAck(t *testing.T, sub *eventstore.Subscription, position int64) {
	t.Helper()
	if err := sub.Ack(context.Background(), position); err != nil {
		t.Fatalf("Ack(%d): %v", position, err)
	}
}

// A named subscription stopped after five acknowledgements resumes at the
// sixth event, even though two more had been delivered (at-least-once).
func TestSubscription_Named_ResumesAfterCheckpoint(t *testing.T) {
	s, _ := mustOpen(t, subOptions(t))
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 6)...)
	mustAppend(t, s, "b", eventstore.NoStream, notes("b", 4)...)

	first := mustSubscribe(t, s, "projector", eventstore.AllStreams, nil)
	for _, rec := range nextN(t, first, 5, 5*time.Second) {
		mustAck(t, first, rec.Position)
	}
	nextN(t, first, 2, 5*time.Second) // delivered, not acknowledged
	first.Close()
	if got := mustCheckpoint(t, s, "projector"); got != 5 {
		t.Errorf("checkpoint = %d, want 5", got)
	}

	again := mustSubscribe(t, s, "projector", eventstore.AllStreams, nil)
	if got := positions(nextN(t, again, 5, 5*time.Second)); !cmp.Equal(got, span(6, 10)) {
		t.Errorf("after restart: positions %v, want 6 to 10", got)
	}
	// Live events follow, and other names keep their own checkpoints.
	mustAppend(t, s, "a", 6, notes("c", 1)...)
	if got := positions(nextN(t, again, 1, 5*time.Second)); got[0] != 11 {
		t.Errorf("live event at position %d, want 11", got[0])
	}
	other := mustSubscribe(t, s, "other", eventstore.AllStreams, nil)
	if got := positions(nextN(t, other, 1, 5*time.Second)); got[0] != 1 {
		t.Errorf("a new name starts at position %d, want 1", got[0])
	}
}

// A first run that starts from now records where it started, so events
// committed while it is stopped are not skipped.
func TestSubscription_Named_FromNowStopsBeforeAck(t *testing.T) {
	s, _ := mustOpen(t, subOptions(t))
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 3)...)
	opts := &eventstore.SubscribeOptions{From: eventstore.FromNow}
	first := mustSubscribe(t, s, "alerts", eventstore.AllStreams, opts)
	first.Close()
	if got := mustCheckpoint(t, s, "alerts"); got != 3 {
		t.Errorf("checkpoint of the first run = %d, want 3", got)
	}
	mustAppend(t, s, "a", 3, notes("b", 2)...)
	again := mustSubscribe(t, s, "alerts", eventstore.AllStreams, opts)
	if got := positions(nextN(t, again, 2, 5*time.Second)); !cmp.Equal(got, []int64{4, 5}) {
		t.Errorf("after restart: positions %v, want [4 5]", got)
	}
}

// Hard-deleted positions leave holes that neither delivery nor the
// checkpoint wait for.
func TestSubscription_Named_HardDeleteGaps(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, subOptions(t))
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 3)...) // 1-3
	mustAppend(t, s, "b", eventstore.NoStream, notes("b", 3)...) // 4-6
	mustAppend(t, s, "c", eventstore.NoStream, notes("c", 3)...) // 7-9

	first := mustSubscribe(t, s, "proj", eventstore.AllStreams, nil)
	for _, rec := range nextN(t, first, 5, 5*time.Second) {
		mustAck(t, first, rec.Position)
	}
	first.Close()
	// The checkpoint (5) now points into the hole.
	if err := s.DeleteStream(ctx, "b", 3, eventstore.HardDelete); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStream(ctx, "c", 3, eventstore.HardDelete); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, s, "d", eventstore.NoStream, notes("d", 2)...) // 10-11

	again := mustSubscribe(t, s, "proj", eventstore.AllStreams, nil)
	got := nextN(t, again, 2, 5*time.Second)
	if !cmp.Equal(positions(got), []int64{10, 11}) {
		t.Fatalf("after the holes: positions %v, want [10 11]", positions(got))
	}
	mustAck(t, again, 11)
	if cp := mustCheckpoint(t, s, "proj"); cp != 11 {
		t.Errorf("checkpoint = %d, want 11", cp)
	}
	expectNone(t, again, 50*time.Millisecond)
}

func TestSubscription_Ack(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, subOptions(t))
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 5)...)

	plain := mustSubscribe(t, s, "", eventstore.AllStreams, nil)
	nextN(t, plain, 1, 5*time.Second)
	if err := plain.Ack(ctx, 1); err == nil {
		t.Error("Ack on a subscription without a name succeeded")
	}

	sub := mustSubscribe(t, s, "acker", eventstore.AllStreams, nil)
	nextN(t, sub, 3, 5*time.Second)
	for _, p := range []int64{4, -1} {
		if err := sub.Ack(ctx, p); err == nil {
			t.Errorf("Ack(%d) after delivering 3 events succeeded", p)
		}
	}
	mustAck(t, sub, 3)
	mustAck(t, sub, 2) // an earlier position does not move the checkpoint back
	if got := mustCheckpoint(t, s, "acker"); got != 3 {
		t.Errorf("checkpoint = %d, want 3", got)
	}
	// After Close the last delivered events may still be acknowledged.
	sub.Close()
	mustAck(t, sub, 3)

	if err := s.DeleteCheckpoint(ctx, "acker"); err != nil {
		t.Fatal(err)
	}
	if got := mustCheckpoint(t, s, "acker"); got != 0 {
		t.Errorf("checkpoint after DeleteCheckpoint = %d, want 0", got)
	}
	fresh := mustSubscribe(t, s, "acker", eventstore.AllStreams, nil)
	if got := nextN(t, fresh, 1, 5*time.Second); got[0].Position != 1 {
		t.Errorf("after DeleteCheckpoint: first position %d, want 1", got[0].Position)
	}
	if _, err := s.Checkpoint(ctx, ""); err == nil {
		t.Error("Checkpoint of an empty name succeeded")
	}
}

// A named stream subscription keeps its lowest version across runs.
func TestSubscription_Named_Stream(t *testing.T) {
	s, _ := mustOpen(t, subOptions(t))
	mustAppend(t, s, "g", eventstore.NoStream, notes("g", 5)...)
	mustAppend(t, s, "h", eventstore.NoStream, notes("h", 2)...)
	opts := &eventstore.SubscribeOptions{From: 2}
	first := mustSubscribe(t, s, "g-watch", "g", opts)
	got := nextN(t, first, 2, 5*time.Second)
	mustAck(t, first, got[1].Position)
	first.Close()
	mustAppend(t, s, "g", 5, notes("g2", 1)...)
	again := mustSubscribe(t, s, "g-watch", "g", opts)
	var versions []int64
	for _, r := range nextN(t, again, 3, 5*time.Second) {
		versions = append(versions, r.Version)
	}
	if !cmp.Equal(versions, []int64{4, 5, 6}) {
		t.Errorf("after restart: versions %v, want [4 5 6]", versions)
	}
}

// helperEnv names the store a helper process appends to.
const helperEnv = "EVENTSTORE_TEST_HELPER_STORE"

// TestHelperProcess is not a test: run by TestSubscription_OtherProcess
// as a second process, it appends notes to the store named by helperEnv.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("runs only as the helper process of TestSubscription_OtherProcess")
	}
	n, err := strconv.Atoi(os.Getenv(helperEnv + "_EVENTS"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := eventstore.Open(path, subOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range n {
		if _, err := s.Append(context.Background(), "remote", eventstore.Any, &note{Text: fmt.Sprintf("remote-%d", i+1)}); err != nil {
			t.Fatal(err)
		}
	}
}

// Events appended by another process reach a waiting subscriber through
// polling: that process's commits cannot wake it.
func TestSubscription_OtherProcess(t *testing.T) {
	s, path := mustOpen(t, subOptions(t))
	mustAppend(t, s, "local", eventstore.NoStream, notes("local", 1)...)
	sub := mustSubscribe(t, s, "", eventstore.AllStreams, &eventstore.SubscribeOptions{From: eventstore.FromNow})

	const n = 5
	type result struct {
		recs []eventstore.RecordedEvent
		err  error
	}
	done := make(chan result, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	go func() {
		var r result
		for len(r.recs) < n && r.err == nil {
			var rec eventstore.RecordedEvent
			if rec, r.err = sub.Next(ctx); r.err == nil {
				r.recs = append(r.recs, rec)
			}
		}
		done <- r
	}()

	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+path, helperEnv+"_EVENTS="+strconv.Itoa(n))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("helper process: %v\n%s", err, out)
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("Next after %d of %d events: %v", len(r.recs), n, r.err)
	}
	if got := texts(t, r.recs); !cmp.Equal(got, []string{"remote-1", "remote-2", "remote-3", "remote-4", "remote-5"}) {
		t.Errorf("texts %v, want remote-1 to remote-5", got)
	}
	if got := positions(r.recs); !cmp.Equal(got, span(2, 6)) {
		t.Errorf("positions %v, want 2 to 6", got)
	}
}
