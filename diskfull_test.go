//go:build linux

package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
)

// diskLimit is the largest file the child may write: the store's WAL
// reaches it after a few hundred appends.
const diskLimit = 1 << 20

// A child whose files may not grow past diskLimit (RLIMIT_FSIZE, as on a
// full disk) appends until appends fail. They must fail with ErrConnection,
// and what was acknowledged before stays readable, in the child and after
// it exits. Once there is room again, appends succeed on the same file.
func TestStore_DiskFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "full.db")
	s, err := eventstore.Open(path, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	before := mustAppend(t, s, "before", eventstore.NoStream, notes("before", 10)...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	c := startChild(t, "TestHelperDiskFull", "diskfull", "FULL_PATH="+path)
	lines := c.wait(t, 2*time.Minute)
	acks := make(map[string]ack)
	parseAcks(t, lines, acks)
	full := false
	for _, line := range lines {
		switch {
		case strings.HasPrefix(line, "bad"):
			t.Errorf("child: %s", line)
		case strings.HasPrefix(line, "full "):
			full = true
			t.Logf("child: %s", line)
		}
	}
	if !full || len(acks) == 0 {
		t.Fatalf("the child never filled the disk (%d events acknowledged)", len(acks))
	}
	t.Logf("%d events acknowledged before the disk was full", len(acks))

	// Room again: everything acknowledged is there and appends succeed.
	for i, id := range before.EventIDs {
		acks[id] = ack{stream: "before", version: int64(i + 1), position: before.Positions[i], id: id, text: fmt.Sprintf("before-%d", i+1)}
	}
	verifyStore(t, path, acks)
	s, err = eventstore.Open(path, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v, err := s.StreamVersion(context.Background(), "fill")
	if err != nil {
		t.Fatal(err)
	}
	res := mustAppend(t, s, "fill", eventstore.ExpectedVersion(v), notes(strings.Repeat("z", 1000), 50)...)
	recs, err := s.ReadStream(context.Background(), "fill", res.Version, 1)
	if err != nil || len(recs) != 1 || recs[0].Position != res.Positions[49] {
		t.Fatalf("read after the disk has room: %v, %v", recs, err)
	}
}

// TestHelperDiskFull is the child of TestStore_DiskFull. It prints "ack …"
// per stored event, "full <error>" at the first failed append, and "bad …"
// for anything the store must never do.
func TestHelperDiskFull(t *testing.T) {
	if !isChild("diskfull") {
		return
	}
	signal.Ignore(syscall.SIGXFSZ) // a write past the limit fails with EFBIG instead
	limit := &syscall.Rlimit{Cur: diskLimit, Max: diskLimit}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, limit); err != nil {
		fatalChild("child: setrlimit: %v", err)
	}
	opts := testOptions(t)
	opts.RetryDelay = time.Millisecond
	s, err := eventstore.Open(os.Getenv("FULL_PATH"), opts)
	if err != nil {
		fatalChild("child: open: %v", err)
	}
	ctx := context.Background()
	var version int64
	appendBatch := func(b int) error {
		events, texts := make([]eventstore.Event, 10), make([]string, 10)
		for i := range events {
			texts[i] = fmt.Sprintf("b%d-%d-%s", b, i, strings.Repeat("x", 1000))
			events[i] = &note{Text: texts[i], N: i}
		}
		res, err := s.Append(ctx, "fill", eventstore.ExpectedVersion(version), events...)
		if err != nil {
			return err
		}
		version = res.Version
		fmt.Print(ackLine("fill", res, texts))
		return nil
	}
	for b := 0; ; b++ {
		if b == 10000 {
			fmt.Println("bad: the limit was never reached")
			return
		}
		err := appendBatch(b)
		if err == nil {
			continue
		}
		fmt.Printf("full %v\n", err)
		if !errors.Is(err, eventstore.ErrConnection) {
			fmt.Printf("bad: a full disk gave %v, want ErrConnection\n", err)
		}
		// Still full: later appends fail the same way or succeed, and what
		// was acknowledged stays readable.
		for i := range 3 {
			if err := appendBatch(b + 1 + i); err != nil && !errors.Is(err, eventstore.ErrConnection) {
				fmt.Printf("bad: a later append gave %v\n", err)
			}
		}
		recs, err := s.ReadStream(ctx, "fill", 1, 10)
		if err != nil || len(recs) == 0 {
			fmt.Printf("bad: read on a full disk: %d events, %v\n", len(recs), err)
		}
		if v, err := s.StreamVersion(ctx, "fill"); err != nil || v != version {
			fmt.Printf("bad: version on a full disk %d, %v; acknowledged %d\n", v, err, version)
		}
		fmt.Println("closing " + strconv.FormatInt(version, 10))
		if err := s.Close(); err != nil && !errors.Is(err, eventstore.ErrConnection) {
			fmt.Printf("bad: close on a full disk: %v\n", err)
		}
		return
	}
}
