package eventstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// syncer is a writer that can flush its data to stable storage, such as an
// *os.File.
type syncer interface {
	Sync() error
}

// ArchiveStream writes the events of the stream streamID to w as JSONL
// envelopes (see EnvelopeWriter), in version order, and then hard-deletes
// the stream. It returns the number of events written.
//
// The steps run in this order, and a failure stops at once: every event is
// read and written (a storage error, ErrStreamNotFound, ErrStreamDeleted
// or a *DecodeError ends the archive: an event that cannot be decoded
// cannot be archived); the output is flushed and, when w has a Sync method
// (an *os.File does), synced to stable storage; then the stream is
// hard-deleted with the version of the last event written as the expected
// version, so an event appended meanwhile makes the delete fail with a
// *VersionError instead of being lost. When ArchiveStream fails, the stream
// is left as it was and whatever was written to w must be discarded.
//
// The events' positions are not reused after the delete: RestoreStream
// gives them new ones. It is safe for concurrent use.
func (s *Store) ArchiveStream(ctx context.Context, streamID string, w io.Writer) (int, error) {
	start := time.Now()
	op := Operation{Name: "archive_stream", StreamID: streamID}
	n, err := s.archiveStream(ctx, streamID, w)
	op.Events, op.Err = n, err
	s.done(&op, start)
	return n, err
}

func (s *Store) archiveStream(ctx context.Context, streamID string, w io.Writer) (int, error) {
	if err := s.checkOpen(); err != nil {
		return 0, err
	}
	if err := ValidateStreamID(streamID); err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(w)
	ew := NewEnvelopeWriter(bw, s.opts.Serializer)
	n := 0
	var last int64
	for rec, err := range s.StreamEvents(ctx, streamID, 1) {
		if err != nil {
			return n, err
		}
		if err := ew.Write(rec); err != nil {
			return n, fmt.Errorf("eventstore: archive %q: %w", streamID, err)
		}
		n++
		last = rec.Version
	}
	if n == 0 {
		// A stream emptied between its check and its read.
		return 0, fmt.Errorf("%w: %q", ErrStreamNotFound, streamID)
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("eventstore: archive %q: %w", streamID, err)
	}
	if f, ok := w.(syncer); ok {
		if err := f.Sync(); err != nil {
			return n, fmt.Errorf("eventstore: archive %q: sync: %w", streamID, err)
		}
	}
	if err := s.DeleteStream(ctx, streamID, ExpectedVersion(last), HardDelete); err != nil {
		return n, err
	}
	return n, nil
}

// RestoreStream reads a stream archived by ArchiveStream (JSONL envelopes of
// one stream at consecutive versions) from r and appends its events to
// that stream with their ids and versions, all or nothing, in one
// transaction. It returns the number of events in the archive. The events
// get new global positions and the store's commit time.
//
// The whole input is read and checked before anything is written: a line
// that does not decode is a *LineError (see EnvelopeReader), and so is an
// event of another stream than the first line's or at a version that does
// not follow the previous line's (matching ErrDeserializationFailed). An
// empty input restores nothing and returns 0.
//
// The first event goes where its version says: the stream's version must be
// one less (0, absent, for a whole archived stream), or the append fails
// with a *VersionError. Since the event ids come along, restoring the same
// archive twice is an idempotent no-op (see Append) and restoring it over
// other events with those ids is ErrDuplicateEvent. Events are validated as
// by Append. It is safe for concurrent use.
func (s *Store) RestoreStream(ctx context.Context, r io.Reader) (int, error) {
	start := time.Now()
	op := Operation{Name: "restore_stream"}
	n, err := s.restoreStream(ctx, r, &op)
	op.Events, op.Err = n, err
	s.done(&op, start)
	return n, err
}

func (s *Store) restoreStream(ctx context.Context, r io.Reader, op *Operation) (int, error) {
	if err := s.checkOpen(); err != nil {
		return 0, err
	}
	events, err := readArchive(r, s.opts.Serializer)
	if err != nil || len(events) == 0 {
		return 0, err
	}
	first := events[0]
	op.StreamID = first.StreamID
	batch := make([]Event, 0, min(len(events), s.opts.MaxAppendBatch))
	err = s.Tx(ctx, first.GuildID, func(tx *Tx) error {
		expected := ExpectedVersion(first.Version - 1)
		for part := range chunks(events, s.opts.MaxAppendBatch) {
			batch = batch[:0]
			for _, rec := range part {
				batch = append(batch, rec.Event)
			}
			res, err := tx.Append(ctx, first.StreamID, expected, batch...)
			if err != nil {
				return err
			}
			expected = ExpectedVersion(res.Version)
		}
		return nil
	})
	if err != nil {
		var g *GuildError
		if errors.As(err, &g) {
			err = g.Err // the guild says nothing here that the stream does not
		}
		return 0, fmt.Errorf("eventstore: restore %q: %w", first.StreamID, err)
	}
	return len(events), nil
}

// readArchive reads the envelopes of an archive and checks that they are
// the consecutive events of one stream.
func readArchive(r io.Reader, s Serializer) ([]RecordedEvent, error) {
	er := NewEnvelopeReader(r, s)
	var events []RecordedEvent
	for {
		rec, err := er.Read()
		if errors.Is(err, io.EOF) {
			return events, nil
		}
		if err != nil {
			return nil, err
		}
		if len(events) > 0 {
			prev := events[len(events)-1]
			switch {
			case rec.StreamID != prev.StreamID:
				return nil, &LineError{Line: er.Line(), Err: fmt.Errorf("%w: stream %q in an archive of %q",
					ErrDeserializationFailed, rec.StreamID, prev.StreamID)}
			case rec.Version != prev.Version+1:
				return nil, &LineError{Line: er.Line(), Err: fmt.Errorf("%w: version %d after %d",
					ErrDeserializationFailed, rec.Version, prev.Version)}
			}
		} else if rec.Version < 1 {
			return nil, &LineError{Line: er.Line(), Err: fmt.Errorf("%w: version %d",
				ErrDeserializationFailed, rec.Version)}
		}
		events = append(events, rec)
	}
}
