package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
)

// Three processes open one new file at the same moment and append, to two
// shared streams with expected versions (read the version, append with it,
// try again on a wrong version) and to streams of their own with Any.
// Afterwards every stream has versions 1, 2, 3, … without a duplicate or a
// gap, every acknowledged event is stored, nothing else is, and contention
// showed only as success, success after retries, or ErrConnection once the
// retry budget was spent: never as corruption or a wrong version for Any.
//
// "tight" gives the processes a busy timeout of one millisecond and little
// retry budget, so contention surfaces as errors; those must be ErrConnection
// and must have written nothing.
func TestStore_MultiProcess(t *testing.T) {
	ops := 40
	if testing.Short() {
		ops = 20
	}
	for _, mode := range []string{"default", "tight"} {
		t.Run(mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "shared.db")
			// All children open the new file together: the first open of
			// a file by two processes must not race.
			start := time.Now().Add(500 * time.Millisecond).UnixNano()
			var children []*child
			for p := range 3 {
				children = append(children, startChild(t, "TestHelperMultiWriter", "multi",
					"MULTI_PATH="+path, "MULTI_NAME=p"+strconv.Itoa(p), "MULTI_OPS="+strconv.Itoa(ops),
					"MULTI_START="+strconv.FormatInt(start, 10), "MULTI_MODE="+mode))
			}
			acks := make(map[string]ack)
			var failed []string
			var stats [4]int
			for _, c := range children {
				lines := c.wait(t, 2*time.Minute)
				parseAcks(t, lines, acks)
				for _, line := range lines {
					f := strings.Fields(line)
					switch {
					case len(f) == 0:
					case f[0] == "bad":
						t.Errorf("child: %s", line)
					case f[0] == "failed":
						failed = append(failed, f[2:]...)
					case f[0] == "stats":
						for i := range stats {
							n, _ := strconv.Atoi(f[i+1])
							stats[i] += n
						}
					}
				}
			}
			t.Logf("%d events acknowledged; %d wrong-version retries, %d appends succeeded after busy retries, %d ErrConnection, %d open retries",
				len(acks), stats[0], stats[1], stats[2], stats[3])
			stored := verifyStore(t, path, acks)
			for id := range stored {
				if _, ok := acks[id]; !ok {
					t.Errorf("event %s is stored but was never acknowledged", id)
				}
			}
			for _, id := range failed {
				if _, ok := stored[id]; ok {
					t.Errorf("event %s of a failed append is stored", id)
				}
			}
		})
	}
}

// TestHelperMultiWriter is a child of TestStore_MultiProcess. It prints
// "ack …" for each stored event, "failed <stream> <ids…>" for an append that
// failed with ErrConnection, "bad …" for anything the store must never do,
// and finally "stats <wrong versions> <busy retries that succeeded>
// <ErrConnection> <open retries>".
func TestHelperMultiWriter(t *testing.T) {
	if !isChild("multi") {
		return
	}
	path, name, mode := os.Getenv("MULTI_PATH"), os.Getenv("MULTI_NAME"), os.Getenv("MULTI_MODE")
	ops, _ := strconv.Atoi(os.Getenv("MULTI_OPS"))
	start, _ := strconv.ParseInt(os.Getenv("MULTI_START"), 10, 64)
	var retried atomic.Int64
	opts := testOptions(t)
	opts.OnOperation = func(op eventstore.Operation) {
		if op.Name == "append" && op.Err == nil && op.Retries > 0 {
			retried.Add(1)
		}
	}
	if mode == "tight" {
		opts.BusyTimeout = time.Millisecond
		opts.MaxRetries = 2
		opts.RetryDelay = time.Millisecond
	}
	time.Sleep(time.Until(time.Unix(0, start)))

	ctx := context.Background()
	var wrongVersion, connErrors, openRetries int
	var s *eventstore.Store
	for {
		var err error
		s, err = eventstore.Open(path, opts)
		if err == nil {
			break
		}
		// Only a busy file may stop an open, and only with a tight budget:
		// never a half-done setup by another process.
		if !errors.Is(err, eventstore.ErrConnection) || mode != "tight" || openRetries == 100 ||
			!strings.Contains(err.Error(), "locked") && !strings.Contains(err.Error(), "busy") {
			fmt.Printf("bad open: %v\n", err)
			return
		}
		openRetries++
		time.Sleep(time.Millisecond)
	}
	defer s.Close()

	rng := rand.New(rand.NewPCG(uint64(start), uint64(len(name))+uint64(name[1])))
	seq := 0
	batch := func(n int) ([]eventstore.Event, []string, []string) {
		events, texts, ids := make([]eventstore.Event, n), make([]string, n), make([]string, n)
		for i := range events {
			seq++
			ids[i] = fmt.Sprintf("%s-%d", name, seq)
			texts[i] = fmt.Sprintf("%s/%d", ids[i], i)
			events[i] = &note{Text: texts[i], N: i, Meta: eventstore.Metadata{EventID: ids[i]}}
		}
		return events, texts, ids
	}
	failed := func(stream string, ids []string, err error) {
		connErrors++
		fmt.Printf("failed %s %s\n", stream, strings.Join(ids, " "))
		if !errors.Is(err, eventstore.ErrConnection) {
			fmt.Printf("bad error from %s: %v\n", stream, err)
		}
	}

	for op := range ops {
		if op%2 == 0 {
			// A shared stream, with the version just read.
			stream := fmt.Sprintf("shared-%d", rng.IntN(2))
			events, texts, ids := batch(1 + rng.IntN(3))
			for attempt := 0; ; attempt++ {
				v, err := s.StreamVersion(ctx, stream)
				if err != nil {
					if !errors.Is(err, eventstore.ErrConnection) || attempt > 1000 {
						fmt.Printf("bad version of %s: %v\n", stream, err)
						break
					}
					connErrors++
					continue
				}
				res, err := s.Append(ctx, stream, eventstore.ExpectedVersion(v), events...)
				if errors.Is(err, eventstore.ErrWrongExpectedVersion) {
					wrongVersion++
					continue
				}
				if err != nil {
					failed(stream, ids, err)
					break
				}
				if res.Version != v+int64(len(events)) {
					fmt.Printf("bad result for %s at %d: %+v\n", stream, v, res)
				}
				fmt.Print(ackLine(stream, res, texts))
				break
			}
			continue
		}
		// A stream of its own, with Any.
		stream := "own-" + name
		events, texts, ids := batch(1 + rng.IntN(3))
		res, err := s.Append(ctx, stream, eventstore.Any, events...)
		if err != nil {
			if errors.Is(err, eventstore.ErrWrongExpectedVersion) {
				fmt.Printf("bad wrong version with Any: %v\n", err)
			}
			failed(stream, ids, err)
			continue
		}
		fmt.Print(ackLine(stream, res, texts))
	}
	fmt.Printf("stats %d %d %d %d\n", wrongVersion, retried.Load(), connErrors, openRetries)
}

// Several stores open one new file at the same moment, as several processes
// starting together do: each must find the file set up exactly once.
func TestOpen_ConcurrentFirstOpen(t *testing.T) {
	for round := range 10 {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("new-%d.db", round))
		const n = 4
		errs := make([]error, n)
		stores := make([]*eventstore.Store, n)
		var ready, done sync.WaitGroup
		ready.Add(n)
		for i := range n {
			done.Go(func() {
				ready.Done()
				ready.Wait()
				stores[i], errs[i] = eventstore.Open(path, testOptions(t))
			})
		}
		done.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d, store %d: Open: %v", round, i, err)
				continue
			}
			mustAppend(t, stores[i], "s", eventstore.Any, notes(fmt.Sprint(i), 1)...)
			stores[i].Close()
		}
		checkIntegrity(t, path)
	}
}
