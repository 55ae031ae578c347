package eventstore_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
)

var crashCycles = flag.Int("crash.cycles", 50, "kill cycles per synchronous setting in TestStore_CrashSafety (10 with -short)")

// A child appends as fast as it can and is killed with SIGKILL at a random
// moment, again and again on the same file. After every kill the file must
// hold every acknowledged event unchanged, every batch whole or not at all,
// contiguous versions, dense increasing positions, and pass
// PRAGMA integrity_check.
//
// SyncFull promises that acknowledged appends survive power loss; SyncNormal
// only that they survive a crash of the process, which is what a SIGKILL
// tests. Both must pass here; power loss itself cannot be simulated in a
// test.
func TestStore_CrashSafety(t *testing.T) {
	cycles := *crashCycles
	if testing.Short() {
		cycles = min(cycles, 10)
	}
	for _, level := range []eventstore.Synchronous{eventstore.SyncFull, eventstore.SyncNormal} {
		t.Run(string(level), func(t *testing.T) {
			n := cycles
			if level == eventstore.SyncNormal {
				n = max(1, cycles/2)
			}
			runCrashCycles(t, level, n)
		})
	}
}

// runCrashCycles starts, kills and checks a writer cycles times on one file.
func runCrashCycles(t *testing.T, level eventstore.Synchronous, cycles int) {
	path := filepath.Join(t.TempDir(), "crash.db")
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	acks := make(map[string]ack)
	for cycle := range cycles {
		c := startChild(t, "TestHelperCrashWriter", "crash",
			"CRASH_PATH="+path, "CRASH_CYCLE="+strconv.Itoa(cycle),
			"CRASH_SEED="+strconv.FormatInt(seed+int64(cycle), 10), "CRASH_SYNC="+string(level))
		c.waitFor(t, "ready", 30*time.Second)
		time.Sleep(time.Duration(5+rng.IntN(56)) * time.Millisecond)
		c.cmd.Process.Kill() // SIGKILL; an error means it already ended, which stderr explains
		lines := c.output()
		c.cmd.Wait()
		if strings.Contains(c.stderr.String(), "child:") || strings.Contains(c.stderr.String(), "FAIL") {
			t.Fatalf("cycle %d: %s", cycle, c.stderr.String())
		}
		before := len(acks)
		parseAcks(t, lines, acks)
		stored := verifyStore(t, path, acks)
		checkBatches(t, stored)
		if t.Failed() {
			t.Fatalf("cycle %d (seed %d): the store lost or corrupted data", cycle, seed)
		}
		if cycle%10 == 0 || cycle == cycles-1 {
			t.Logf("cycle %d: %d acknowledged in this cycle, %d stored in all", cycle, len(acks)-before, len(stored))
		}
	}
}

// checkBatches checks that every batch is stored whole: its events, named
// "batch-index/size", are all there at consecutive versions of one stream.
func checkBatches(t *testing.T, stored map[string]eventstore.RecordedEvent) {
	t.Helper()
	type batch struct {
		size, count    int
		stream         string
		minV, maxV     int64
		minPos, maxPos int64
	}
	batches := make(map[string]*batch)
	for _, rec := range stored {
		n := rec.Event.(*note)
		id, size, ok := strings.Cut(n.Text, "/")
		cut := strings.LastIndexByte(id, '-')
		if !ok || cut < 0 || id != rec.EventID {
			t.Errorf("event %s has text %q", rec.EventID, n.Text)
			continue
		}
		name := id[:cut]
		b := batches[name]
		if b == nil {
			b = &batch{stream: rec.StreamID, minV: rec.Version, maxV: rec.Version, minPos: rec.Position, maxPos: rec.Position}
			b.size, _ = strconv.Atoi(size)
			batches[name] = b
		}
		b.count++
		b.minV, b.maxV = min(b.minV, rec.Version), max(b.maxV, rec.Version)
		b.minPos, b.maxPos = min(b.minPos, rec.Position), max(b.maxPos, rec.Position)
		if rec.StreamID != b.stream {
			t.Errorf("batch %s spans streams %s and %s", name, b.stream, rec.StreamID)
		}
		if rec.Metadata.CorrelationID != name || n.Meta.CorrelationID != name {
			t.Errorf("event %s: correlation id %q, want %q", rec.EventID, rec.Metadata.CorrelationID, name)
		}
	}
	for name, b := range batches {
		if b.count != b.size || b.maxV-b.minV+1 != int64(b.size) || b.maxPos-b.minPos+1 != int64(b.size) {
			t.Errorf("batch %s is partial: %d of %d events, versions %d-%d, positions %d-%d",
				name, b.count, b.size, b.minV, b.maxV, b.minPos, b.maxPos)
		}
	}
}

// TestHelperCrashWriter is the child of TestStore_CrashSafety: four
// goroutines append batches of 1 to 20 events with caller-chosen ids, three
// to streams of their own with exact expected versions and one to a shared
// stream with Any, and print each event only after Append returned.
func TestHelperCrashWriter(t *testing.T) {
	if !isChild("crash") {
		return
	}
	path, cycle := os.Getenv("CRASH_PATH"), os.Getenv("CRASH_CYCLE")
	seed, _ := strconv.ParseInt(os.Getenv("CRASH_SEED"), 10, 64)
	opts := testOptions(t)
	opts.Synchronous = eventstore.Synchronous(os.Getenv("CRASH_SYNC"))
	opts.MaxStreamSize = 1 << 30
	s, err := eventstore.Open(path, opts)
	if err != nil {
		fatalChild("child: open: %v", err)
	}
	ctx := context.Background()
	var out sync.Mutex
	var wg, ready sync.WaitGroup
	ready.Add(4)
	go func() {
		ready.Wait() // the reader pool is warm: appends start now
		fmt.Println("ready")
	}()
	for g := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(seed), uint64(g)))
			streams := []string{fmt.Sprintf("own-%d-a", g), fmt.Sprintf("own-%d-b", g)}
			if g == 3 {
				streams = []string{"shared"}
			}
			versions := make(map[string]int64)
			for _, st := range streams {
				v, err := s.StreamVersion(ctx, st)
				if err != nil {
					fatalChild("child: version: %v", err)
				}
				versions[st] = v
			}
			ready.Done()
			for b := 0; ; b++ {
				stream := streams[rng.IntN(len(streams))]
				expected := eventstore.ExpectedVersion(versions[stream])
				if g == 3 {
					expected = eventstore.Any
				}
				name := fmt.Sprintf("c%s-g%d-b%d", cycle, g, b)
				size := 1 + rng.IntN(20)
				events := make([]eventstore.Event, size)
				texts := make([]string, size)
				for i := range events {
					id := fmt.Sprintf("%s-%d", name, i)
					texts[i] = fmt.Sprintf("%s/%d", id, size)
					events[i] = &note{Text: texts[i], N: i, Meta: eventstore.Metadata{EventID: id, CorrelationID: name}}
				}
				res, err := s.Append(ctx, stream, expected, events...)
				if err != nil {
					fatalChild("child: append %s to %s at %v: %v", name, stream, expected, err)
				}
				versions[stream] = res.Version
				line := ackLine(stream, res, texts)
				out.Lock()
				os.Stdout.WriteString(line) // one write: the lines of a batch stay together
				out.Unlock()
			}
		})
	}
	wg.Wait()
}
