package eventstore_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
)

// The reliability tests run the store in child processes: the test binary
// runs itself again with childEnv set, limited to one TestHelper function.
// A helper does nothing when childEnv does not name its role, so it passes
// silently in a normal run.
const childEnv = "EVENTSTORE_TEST_CHILD"

// isChild reports whether this process is a child playing role.
func isChild(role string) bool { return os.Getenv(childEnv) == role }

// child is a running child process and the complete lines it printed.
type child struct {
	cmd    *exec.Cmd
	lines  chan string // complete stdout lines; closed at EOF
	stderr bytes.Buffer
	mu     sync.Mutex
	seen   []string // every line read so far
}

// startChild runs the test binary as a child that runs only the test named
// helper, in role, with the extra environment env ("KEY=value").
func startChild(t *testing.T, helper, role string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+helper+"$", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(append(os.Environ(), childEnv+"="+role), env...)
	c := &child{cmd: cmd, lines: make(chan string, 1<<16)}
	cmd.Stderr = &c.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(c.lines)
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return // a line cut short by a kill was never acknowledged
			}
			line = strings.TrimSuffix(line, "\n")
			c.mu.Lock()
			c.seen = append(c.seen, line)
			c.mu.Unlock()
			c.lines <- line
		}
	}()
	return c
}

// waitFor reads lines until one equals want, or fails the test after d.
func (c *child) waitFor(t *testing.T, want string, d time.Duration) {
	t.Helper()
	timeout := time.After(d)
	for {
		select {
		case line, ok := <-c.lines:
			if !ok {
				c.cmd.Wait()
				t.Fatalf("child ended before printing %q: %s", want, c.stderr.String())
			}
			if line == want {
				return
			}
		case <-timeout:
			c.cmd.Process.Kill()
			c.cmd.Wait()
			t.Fatalf("child printed no %q within %v: %s", want, d, c.stderr.String())
		}
	}
}

// output waits for stdout to end and returns every complete line.
func (c *child) output() []string {
	for range c.lines {
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen
}

// wait waits for the child to exit on its own within d and fails the test
// when it does not exit cleanly.
func (c *child) wait(t *testing.T, d time.Duration) []string {
	t.Helper()
	done := make(chan error, 1)
	var lines []string
	go func() {
		lines = c.output()
		done <- c.cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("child: %v\nstderr: %s", err, c.stderr.String())
		}
		return lines
	case <-time.After(d):
		c.cmd.Process.Kill()
		<-done
		t.Fatalf("child did not finish within %v\nstderr: %s", d, c.stderr.String())
		return nil
	}
}

// ack is one acknowledged event as a child printed it:
// "ack stream version position eventid text". Children print it only after
// Append returned, so the store has promised to keep it.
type ack struct {
	stream            string
	version, position int64
	id, text          string
}

// ackLine formats the ack lines of an append result, one per event.
func ackLine(stream string, res eventstore.AppendResult, texts []string) string {
	var b strings.Builder
	first := res.Version - int64(len(res.Positions)) + 1
	for i, pos := range res.Positions {
		fmt.Fprintf(&b, "ack %s %d %d %s %s\n", stream, first+int64(i), pos, res.EventIDs[i], texts[i])
	}
	return b.String()
}

// parseAcks returns the acknowledged events of lines, by event id.
func parseAcks(t *testing.T, lines []string, into map[string]ack) {
	t.Helper()
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "ack" {
			continue
		}
		if len(f) != 6 {
			t.Fatalf("bad ack line %q", line)
		}
		a := ack{stream: f[1], id: f[4], text: f[5]}
		var err1, err2 error
		a.version, err1 = strconv.ParseInt(f[2], 10, 64)
		a.position, err2 = strconv.ParseInt(f[3], 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad ack line %q", line)
		}
		if old, dup := into[a.id]; dup && old != a {
			t.Fatalf("event %s acknowledged twice: %+v and %+v", a.id, old, a)
		}
		into[a.id] = a
	}
}

// verifyStore opens the store file at path as a fresh process would and
// checks what every crash, contention or failure must leave intact: every
// acknowledged event is stored as acknowledged, versions are 1, 2, 3, … in
// every stream, positions strictly increase (and are dense, the store never
// deleting here), and PRAGMA integrity_check is ok. It returns every stored
// event by id.
func verifyStore(t *testing.T, path string, acks map[string]ack) map[string]eventstore.RecordedEvent {
	t.Helper()
	s, err := eventstore.Open(path, testOptions(t))
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	stored := make(map[string]eventstore.RecordedEvent)
	versions := make(map[string]int64)
	var last int64
	for rec, err := range s.AllEvents(context.Background(), 0, eventstore.Filter{}) {
		if err != nil {
			s.Close()
			t.Fatalf("read back: %v", err)
		}
		if rec.Position != last+1 {
			t.Errorf("position %d follows %d", rec.Position, last)
		}
		last = rec.Position
		if rec.Version != versions[rec.StreamID]+1 {
			t.Errorf("stream %s: version %d follows %d", rec.StreamID, rec.Version, versions[rec.StreamID])
		}
		versions[rec.StreamID] = rec.Version
		if _, dup := stored[rec.EventID]; dup {
			t.Errorf("event id %s stored twice", rec.EventID)
		}
		stored[rec.EventID] = rec
	}
	for stream, v := range versions {
		if got, err := s.StreamVersion(context.Background(), stream); err != nil || got != v {
			t.Errorf("StreamVersion(%s) = %d, %v; the events end at %d", stream, got, err, v)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	checkIntegrity(t, path)
	for id, a := range acks {
		rec, ok := stored[id]
		if !ok {
			t.Errorf("acknowledged event %+v is lost", a)
			continue
		}
		got := ack{stream: rec.StreamID, version: rec.Version, position: rec.Position, id: rec.EventID, text: rec.Event.(*note).Text}
		if got != a {
			t.Errorf("acknowledged event changed:\n got %+v\nwant %+v", got, a)
		}
	}
	return stored
}

// fatalChild ends a child with a message the parent shows.
func fatalChild(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(3)
}
