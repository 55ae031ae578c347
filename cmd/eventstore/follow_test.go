package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until buf holds want, or fails the test.
func waitFor(t *testing.T, buf *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(buf.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %q; output:\n%s", want, buf.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestTail_Follow(t *testing.T) {
	for _, stream := range []string{"game-new", "$all"} {
		t.Run(stream, func(t *testing.T) {
			_, db := fixtureDB(t)
			// Another process appends: a Store of its own on the same file.
			other, err := eventstore.Open(db, &eventstore.Options{Now: func() time.Time { return fixtureNow }})
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			recs, err := other.ReadStream(context.Background(), "game-duo", 0, 2)
			if err != nil {
				t.Fatal(err)
			}
			events := make([]eventstore.Event, len(recs))
			for i, r := range recs {
				r.Event.(eventstore.MetadataCarrier).EventMetadata().EventID = "" // new ids
				events[i] = r.Event
			}
			if _, err := other.Append(context.Background(), "game-new", eventstore.NoStream, events[0]); err != nil {
				t.Fatal(err)
			}

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out, errOut syncBuffer
			done := make(chan int)
			go func() {
				done <- run(ctx, []string{"tail", "-db", db, "-n", "1", "-f", stream}, strings.NewReader(""), &out, &errOut)
			}()
			waitFor(t, &out, "game-new@1 ")
			if _, err := other.Append(context.Background(), "game-new", 1, events[1]); err != nil {
				t.Fatal(err)
			}
			waitFor(t, &out, "game-new@2 ")

			cancel() // as an interrupt does
			if code := <-done; code != 0 {
				t.Fatalf("exit %d; stderr: %s", code, errOut.String())
			}
			if got := strings.Count(out.String(), "\n"); got != 2 {
				t.Fatalf("printed %d lines, want 2:\n%s", got, out.String())
			}
		})
	}
}
