package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/gamebot/eventstore"
)

// runImport imports JSONL envelopes (an export) from a file or stdin.
//
// The whole input is checked before anything is written, so a malformed,
// truncated or conflicting input imports nothing: every line decodes and
// its event validates; each stream's versions follow one another and
// continue the stream in the store; every event id is new to the store,
// or already stored as that very event (stream and version). Events already
// stored are skipped, so importing the same file twice is a no-op.
//
// Streams keep their ids, versions, event ids and commit times (the store's
// clock is set to each envelope's created_at while its events are
// appended); global positions are given anew, in input order, so an export
// of a store without hard-deleted events imports into an empty file as an
// identical copy. Soft deletions are not part of an export.
func runImport(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "import", true)
	pos, err := f.parse(args, 0, 1)
	if err != nil {
		return err
	}
	in, cleanup, err := importInput(e, pos)
	if err != nil {
		return err
	}
	defer cleanup()

	var clock atomic.Int64 // the commit time of the next append, unix µs
	clock.Store(time.Now().UnixMicro())
	_, statErr := os.Stat(f.db)
	created := errors.Is(statErr, os.ErrNotExist)
	// Every event keeps its own commit time, so most appends carry one event:
	// SyncNormal spares an fsync each. An import interrupted by a power loss
	// can simply be run again: events already stored are skipped.
	s, err := f.open(&eventstore.Options{
		Now:         func() time.Time { return time.UnixMicro(clock.Load()) },
		Synchronous: eventstore.SyncNormal,
	})
	if err != nil {
		return err
	}
	imported := false
	defer func() {
		s.Close()
		if created && !imported {
			// Leave no empty store behind a failed import.
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(f.db + suffix)
			}
		}
	}()
	db, err := openRaw(f.db)
	if err != nil {
		return err
	}
	defer db.Close()
	plan, err := checkImport(ctx, s, db, in)
	if err != nil {
		return fmt.Errorf("%w; nothing imported", err)
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return err
	}
	bar := newProgress(e.stderr, "import", func() int64 { return int64(plan.fresh) })
	written, err := applyImport(ctx, s, in, plan, &clock, bar)
	bar.Finish()
	imported = written > 0
	if err != nil {
		return fmt.Errorf("%w (%d events were imported before)", err, written)
	}
	if f.asJSON {
		return writeJSON(e.stdout, struct {
			Imported int `json:"imported"`
			Present  int `json:"already_present"`
			Streams  int `json:"streams"`
		}{written, plan.present, len(plan.streams)})
	}
	fmt.Fprintf(e.stdout, "imported %d events into %d streams (%d already present)\n", written, len(plan.streams), plan.present)
	return nil
}

// importInput returns the input as a seekable file: the named one, or
// stdin copied to a temporary file (the input is read twice).
func importInput(e *env, pos []string) (*os.File, func(), error) {
	if len(pos) == 1 && pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return nil, nil, err
		}
		return f, func() { f.Close() }, nil
	}
	tmp, err := os.CreateTemp("", "eventstore-import-*.jsonl")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	if _, err := io.Copy(tmp, e.stdin); err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("stdin: %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, nil, err
	}
	return tmp, cleanup, nil
}

// importPlan is what the check found: per stream, the version the store
// already has.
type importPlan struct {
	streams map[string]*importStream
	fresh   int // events to write
	present int // events already stored
}

type importStream struct {
	stored int64 // the stream's version in the store before the import
	last   int64 // the version of its last line so far
}

// pendingID is an event id waiting to be looked up in the store.
type pendingID struct {
	id     string
	line   int
	stream string
	ver    int64
}

// checkImport reads the whole input and checks it against the store.
// Errors name the line.
func checkImport(ctx context.Context, s *eventstore.Store, db *rawDB, in io.Reader) (*importPlan, error) {
	plan := &importPlan{streams: map[string]*importStream{}}
	seen := map[string]int{} // event id → line
	var pending []pendingID
	flush := func() error {
		ids := make([]string, len(pending))
		for i, p := range pending {
			ids[i] = p.id
		}
		found, err := db.lookupIDs(ctx, ids)
		if err != nil {
			return err
		}
		for _, p := range pending {
			st := plan.streams[p.stream]
			ref, ok := found[p.id]
			switch {
			case ok && (ref.stream != p.stream || ref.version != p.ver):
				return &eventstore.LineError{Line: p.line, Err: fmt.Errorf("%w: event %s is stored as %s@%d",
					eventstore.ErrDuplicateEvent, p.id, ref.stream, ref.version)}
			case !ok && p.ver <= st.stored:
				return &eventstore.LineError{Line: p.line, Err: fmt.Errorf("%s@%d holds another event in the store",
					p.stream, p.ver)}
			case ok:
				plan.present++
			default:
				plan.fresh++
			}
		}
		pending = pending[:0]
		return nil
	}

	r := eventstore.NewEnvelopeReader(in, nil)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		fail := func(format string, args ...any) error {
			return &eventstore.LineError{Line: r.Line(), Err: fmt.Errorf(format, args...)}
		}
		if err := eventstore.ValidateStreamID(rec.StreamID); err != nil {
			return nil, fail("%w", err)
		}
		if rec.EventID == "" {
			return nil, fail("an imported event needs its event_id")
		}
		if line, dup := seen[rec.EventID]; dup {
			return nil, fail("%w: event %s is also on line %d", eventstore.ErrDuplicateEvent, rec.EventID, line)
		}
		seen[rec.EventID] = r.Line()
		if v, ok := rec.Event.(eventstore.Validator); ok {
			if err := v.Validate(commitTime(rec)); err != nil {
				return nil, fail("%s@%d: %w", rec.StreamID, rec.Version, err)
			}
		}
		st := plan.streams[rec.StreamID]
		if st == nil {
			stored, err := s.StreamVersion(ctx, rec.StreamID)
			if err != nil {
				return nil, fail("%w", err)
			}
			if rec.Version > stored+1 || rec.Version < 1 {
				return nil, fail("%s starts at version %d but the store has version %d", rec.StreamID, rec.Version, stored)
			}
			st = &importStream{stored: stored, last: rec.Version - 1}
			plan.streams[rec.StreamID] = st
		}
		if rec.Version != st.last+1 {
			return nil, fail("%s version %d follows version %d", rec.StreamID, rec.Version, st.last)
		}
		st.last = rec.Version
		pending = append(pending, pendingID{rec.EventID, r.Line(), rec.StreamID, rec.Version})
		if len(pending) == 500 {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return plan, nil
}

// commitTime is the clock an imported event is checked and written with.
func commitTime(r eventstore.RecordedEvent) time.Time {
	if r.CreatedAt.IsZero() {
		return time.Now()
	}
	return r.CreatedAt
}

// applyImport appends the events the store does not have yet: runs of
// consecutive lines of one stream with one commit time go in one append,
// with the store's clock at that time. It returns the events written.
func applyImport(ctx context.Context, s *eventstore.Store, in io.Reader, plan *importPlan, clock *atomic.Int64, bar progress) (int, error) {
	written := 0
	var run []eventstore.RecordedEvent
	flush := func() error {
		if len(run) == 0 {
			return nil
		}
		events := make([]eventstore.Event, len(run))
		for i, r := range run {
			events[i] = r.Event
		}
		clock.Store(commitTime(run[0]).UnixMicro())
		if _, err := s.Append(ctx, run[0].StreamID, eventstore.ExpectedVersion(run[0].Version-1), events...); err != nil {
			return err
		}
		written += len(run)
		bar.Add(len(run))
		run = run[:0]
		return nil
	}
	for rec, err := range eventstore.NewEnvelopeReader(in, nil).All() {
		if err != nil {
			return written, err
		}
		if rec.Version <= plan.streams[rec.StreamID].stored {
			continue
		}
		if len(run) > 0 {
			prev := run[len(run)-1]
			if rec.StreamID != prev.StreamID || !rec.CreatedAt.Equal(prev.CreatedAt) || len(run) == eventstore.DefaultMaxAppendBatch {
				if err := flush(); err != nil {
					return written, err
				}
			}
		}
		run = append(run, rec)
	}
	return written, flush()
}
