package eventstore

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Filter narrows a global read or subscription. Zero fields do not filter;
// set fields combine with AND.
type Filter struct {
	// EventType keeps events of exactly this type.
	EventType string
	// StreamPrefix keeps events whose stream id starts with these bytes,
	// case-sensitively; '%', '_' and '\' are ordinary characters.
	StreamPrefix string
	// GuildID keeps events of exactly this guild.
	GuildID string
}

// rawEvent is a stored row before decoding. data and meta are only valid
// until the next row is scanned, unless copied.
type rawEvent struct {
	streamID      string
	position      int64
	version       int64
	eventID       string
	eventType     string
	schemaVersion int
	guildID       string
	data          []byte
	meta          []byte
	created       int64
}

// eventColumns are the columns scanRows expects, in order.
const eventColumns = "e.stream_id, e.position, e.version, e.event_id, e.event_type, e.schema_version, e.guild_id, e.data, e.metadata, e.created_at"

// scanRows runs query and calls fn for every row while the rows are open.
// The raw bytes fn sees are only valid during the call.
func scanRows(ctx context.Context, q queryer, fn func(*rawEvent) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return queryError(ctx, err)
	}
	defer rows.Close()
	var r rawEvent
	var data, meta sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&r.streamID, &r.position, &r.version, &r.eventID, &r.eventType,
			&r.schemaVersion, &r.guildID, &data, &meta, &r.created); err != nil {
			return queryError(ctx, err)
		}
		r.data, r.meta = data, meta
		if err := fn(&r); err != nil {
			return err
		}
	}
	return queryError(ctx, rows.Err())
}

// queryError prefers the context's error over the driver's, so a cancelled
// read reports context.Canceled rather than an interrupted statement.
func queryError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return translate(err)
}

// decode turns a raw row into a RecordedEvent. Errors are *DecodeError.
func (s *Store) decode(r *rawEvent) (RecordedEvent, error) {
	rec := RecordedEvent{
		EventID:       r.eventID,
		StreamID:      r.streamID,
		Version:       r.version,
		Position:      r.position,
		EventType:     r.eventType,
		SchemaVersion: r.schemaVersion,
		GuildID:       r.guildID,
		CreatedAt:     time.UnixMicro(r.created).UTC(),
	}
	fail := func(err error) (RecordedEvent, error) {
		return RecordedEvent{}, &DecodeError{StreamID: r.streamID, Version: r.version, Position: r.position, Err: err}
	}
	if err := unmarshalMetadata(r.meta, &rec.Metadata); err != nil {
		return fail(fmt.Errorf("%w: metadata: %w", ErrDeserializationFailed, err))
	}
	rec.Metadata.EventID = r.eventID
	e, err := s.opts.Serializer.Deserialize(r.eventType, r.schemaVersion, r.data)
	if err != nil {
		return fail(err)
	}
	if c, ok := e.(MetadataCarrier); ok && c.EventMetadata() != nil {
		*c.EventMetadata() = rec.Metadata
	}
	rec.Event = e
	return rec, nil
}

// checkRead validates a start and count. backward allows -1 for the end.
func (s *Store) checkRead(from int64, count int, backward bool) error {
	if from < 0 && !(backward && from == -1) {
		return fmt.Errorf("%w: %d", ErrInvalidStartVersion, from)
	}
	if count < 1 || count > s.opts.MaxReadBatch {
		return fmt.Errorf("%w: count %d, want 1 to %d", ErrInvalidBatchSize, count, s.opts.MaxReadBatch)
	}
	return nil
}

// ReadStream returns up to count events of the stream streamID with
// versions from from on, in ascending order; from 0 and 1 both mean the
// start. Reading past the end returns no events and no error. Results are
// never capped below count.
//
// Errors, in this order: ErrConnection (closed store), ErrInvalidStreamID,
// ErrInvalidStartVersion (from < 0), ErrInvalidBatchSize (count below 1 or
// above Options.MaxReadBatch), ErrStreamNotFound, ErrStreamDeleted, and a
// *DecodeError for an event that cannot be decoded.
//
// The returned events are the caller's. ReadStream is safe for concurrent
// use and runs on a reader connection: it never waits for writes.
func (s *Store) ReadStream(ctx context.Context, streamID string, from int64, count int) ([]RecordedEvent, error) {
	return s.observeRead(ctx, "read_stream", streamID, func() ([]RecordedEvent, error) {
		return s.readStream(ctx, s.rdb, streamID, from, count, false)
	})
}

// ReadStreamBackward returns up to count events of the stream streamID in
// descending version order, starting at version from; -1 means the end, 0
// reads nothing, and a start beyond the end begins at the last event. Errors
// are those of ReadStream; any negative start other than -1 is
// ErrInvalidStartVersion.
func (s *Store) ReadStreamBackward(ctx context.Context, streamID string, from int64, count int) ([]RecordedEvent, error) {
	return s.observeRead(ctx, "read_stream_backward", streamID, func() ([]RecordedEvent, error) {
		return s.readStream(ctx, s.rdb, streamID, from, count, true)
	})
}

// observeRead runs a read and reports it.
func (s *Store) observeRead(ctx context.Context, name, streamID string, read func() ([]RecordedEvent, error)) ([]RecordedEvent, error) {
	start := time.Now()
	events, err := read()
	op := Operation{Name: name, StreamID: streamID, Events: len(events), Err: err}
	s.done(&op, start)
	return events, err
}

// readStreamQuery is the query of a stream read. One query reads the
// stream's row and its events, so the existence check and the events come
// from the same snapshot. A stream without matching events gives one row of
// zeros. Its arguments are the start version, the stream id and the count.
func readStreamQuery(backward bool) string {
	cond, order := "e.version >= ?", "ASC"
	if backward {
		cond, order = "e.version <= ?", "DESC"
	}
	return `SELECT s.deleted_at IS NOT NULL, s.stream_id, COALESCE(e.position, 0), COALESCE(e.version, 0),
	        COALESCE(e.event_id, ''), COALESCE(e.event_type, ''), COALESCE(e.schema_version, 0),
	        COALESCE(e.guild_id, ''), COALESCE(e.data, x''), COALESCE(e.metadata, x''), COALESCE(e.created_at, 0)
	    FROM streams s LEFT JOIN events e
	        ON e.stream_id = s.stream_id AND s.deleted_at IS NULL AND ` + cond + `
	    WHERE s.stream_id = ?
	    ORDER BY e.version ` + order + ` LIMIT ?`
}

// readerStmts are the reader pool's prepared statements. database/sql
// prepares each on a connection the first time it runs there and keeps it,
// so a stream read does not compile its query every time.
type readerStmts struct {
	readStream map[bool]*sql.Stmt // by backward
}

// prepare prepares the statements on db.
func (st *readerStmts) prepare(db *sqlx.DB) error {
	st.readStream = make(map[bool]*sql.Stmt, 2)
	for _, backward := range []bool{false, true} {
		stmt, err := db.Prepare(readStreamQuery(backward))
		if err != nil {
			return translate(err)
		}
		st.readStream[backward] = stmt
	}
	return nil
}

// close closes the prepared statements.
func (st *readerStmts) close() {
	for _, stmt := range st.readStream {
		stmt.Close()
	}
}

// readStream serves ReadStream and its backward twin, on the reader pool or
// inside a write transaction.
func (s *Store) readStream(ctx context.Context, q queryer, streamID string, from int64, count int, backward bool) ([]RecordedEvent, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	if err := ValidateStreamID(streamID); err != nil {
		return nil, err
	}
	if err := s.checkRead(from, count, backward); err != nil {
		return nil, err
	}
	if backward && from == -1 {
		from = 1<<62 - 1
	}
	var rows *sql.Rows
	var err error
	if q == queryer(s.rdb) {
		rows, err = s.rstmts.readStream[backward].QueryContext(ctx, from, streamID, count)
	} else {
		rows, err = q.QueryContext(ctx, readStreamQuery(backward), from, streamID, count)
	}
	if err != nil {
		return nil, queryError(ctx, err)
	}
	defer rows.Close()
	var (
		events     []RecordedEvent
		found      bool
		deleted    bool
		r          rawEvent
		data, meta sql.RawBytes
	)
	for rows.Next() {
		found = true
		if err := rows.Scan(&deleted, &r.streamID, &r.position, &r.version, &r.eventID, &r.eventType,
			&r.schemaVersion, &r.guildID, &data, &meta, &r.created); err != nil {
			return nil, queryError(ctx, err)
		}
		if deleted || r.position == 0 {
			break
		}
		if events == nil {
			events = make([]RecordedEvent, 0, count)
		}
		r.data, r.meta = data, meta
		rec, err := s.decode(&r)
		if err != nil {
			return nil, err
		}
		events = append(events, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, queryError(ctx, err)
	}
	switch {
	case !found:
		return nil, fmt.Errorf("%w: %q", ErrStreamNotFound, streamID)
	case deleted:
		return nil, fmt.Errorf("%w: %q", ErrStreamDeleted, streamID)
	}
	return events, nil
}

// ReadAll returns up to count events of all streams in global order,
// starting at position from (0 and 1 both mean the start), keeping only
// those that match filter. count limits the matching events. Events of
// soft-deleted streams stay in the global order; positions have holes where
// streams were hard-deleted.
//
// Errors: ErrConnection, ErrInvalidStartVersion (from < 0),
// ErrInvalidBatchSize, and a *DecodeError for an event that cannot be
// decoded. It is safe for concurrent use.
func (s *Store) ReadAll(ctx context.Context, from int64, count int, filter Filter) ([]RecordedEvent, error) {
	return s.observeRead(ctx, "read_all", "", func() ([]RecordedEvent, error) {
		return s.readAll(ctx, from, count, filter, false)
	})
}

// ReadAllBackward returns up to count events in descending global order
// from position from (-1 means the end), keeping those that match filter.
// Errors are those of ReadAll.
func (s *Store) ReadAllBackward(ctx context.Context, from int64, count int, filter Filter) ([]RecordedEvent, error) {
	return s.observeRead(ctx, "read_all_backward", "", func() ([]RecordedEvent, error) {
		return s.readAll(ctx, from, count, filter, true)
	})
}

func (s *Store) readAll(ctx context.Context, from int64, count int, filter Filter, backward bool) ([]RecordedEvent, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	if err := s.checkRead(from, count, backward); err != nil {
		return nil, err
	}
	var events []RecordedEvent
	err := s.scanAll(ctx, from, count, filter, backward, func(r *rawEvent) error {
		rec, err := s.decode(r)
		if err != nil {
			return err
		}
		events = append(events, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return events, nil
}

// scanAll runs the global-order query.
func (s *Store) scanAll(ctx context.Context, from int64, count int, filter Filter, backward bool, fn func(*rawEvent) error) error {
	var where strings.Builder
	args := make([]any, 0, 6)
	if backward {
		if from == -1 {
			from = 1<<62 - 1
		}
		where.WriteString("e.position <= ?")
	} else {
		where.WriteString("e.position >= ?")
	}
	args = append(args, from)
	if filter.EventType != "" {
		where.WriteString(" AND e.event_type = ?")
		args = append(args, filter.EventType)
	}
	if filter.GuildID != "" {
		where.WriteString(" AND e.guild_id = ?")
		args = append(args, filter.GuildID)
	}
	if filter.StreamPrefix != "" {
		// A byte-wise range instead of LIKE: no wildcards, case-sensitive.
		// No valid UTF-8 stream id holds the byte 0xFF, so every id with the
		// prefix sorts below prefix+"\xff".
		where.WriteString(" AND e.stream_id >= ? AND e.stream_id < ?")
		args = append(args, filter.StreamPrefix, filter.StreamPrefix+"\xff")
	}
	order := "ASC"
	if backward {
		order = "DESC"
	}
	args = append(args, count)
	return scanRows(ctx, s.rdb, fn,
		"SELECT "+eventColumns+" FROM events e WHERE "+where.String()+" ORDER BY e.position "+order+" LIMIT ?", args...)
}

// StreamEvents iterates over the events of the stream streamID from version
// from on, reading Options.MaxReadBatch events at a time so memory stays
// constant however long the stream. A storage error or a missing or deleted
// stream is yielded once and ends the iteration; an event that cannot be
// decoded is yielded as a *DecodeError and the iteration goes on. Cancelling
// ctx ends it with ctx's error. No connection is held while the caller's
// loop body runs.
func (s *Store) StreamEvents(ctx context.Context, streamID string, from int64) iter.Seq2[RecordedEvent, error] {
	return func(yield func(RecordedEvent, error) bool) {
		if from < 0 {
			yield(RecordedEvent{}, fmt.Errorf("%w: %d", ErrInvalidStartVersion, from))
			return
		}
		next := max(from, 1)
		for {
			batch, err := s.rawStreamBatch(ctx, streamID, next)
			if err != nil {
				yield(RecordedEvent{}, err)
				return
			}
			if len(batch) == 0 {
				return
			}
			next = batch[len(batch)-1].version + 1 // before yieldBatch clears the rows
			if !s.yieldBatch(ctx, batch, yield) || len(batch) < s.opts.MaxReadBatch {
				return
			}
		}
	}
}

// rawStreamBatch reads one batch of a stream's rows, copied.
func (s *Store) rawStreamBatch(ctx context.Context, streamID string, from int64) ([]rawEvent, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	if err := ValidateStreamID(streamID); err != nil {
		return nil, err
	}
	var deleted bool
	err := s.rdb.QueryRowContext(ctx, "SELECT deleted_at IS NOT NULL FROM streams WHERE stream_id = ?", streamID).Scan(&deleted)
	switch {
	case isNoRows(err):
		return nil, fmt.Errorf("%w: %q", ErrStreamNotFound, streamID)
	case err != nil:
		return nil, queryError(ctx, err)
	case deleted:
		return nil, fmt.Errorf("%w: %q", ErrStreamDeleted, streamID)
	}
	batch := make([]rawEvent, 0, 64)
	err = scanRows(ctx, s.rdb, func(r *rawEvent) error {
		batch = append(batch, r.copy())
		return nil
	}, "SELECT "+eventColumns+" FROM events e WHERE e.stream_id = ? AND e.version >= ? ORDER BY e.version LIMIT ?",
		streamID, from, s.opts.MaxReadBatch)
	return batch, err
}

// AllEvents iterates over the events of all streams in global order from
// position from on, keeping those that match filter, a batch of
// Options.MaxReadBatch rows at a time: memory stays constant however large
// the store. Errors are yielded as in StreamEvents.
func (s *Store) AllEvents(ctx context.Context, from int64, filter Filter) iter.Seq2[RecordedEvent, error] {
	return func(yield func(RecordedEvent, error) bool) {
		if from < 0 {
			yield(RecordedEvent{}, fmt.Errorf("%w: %d", ErrInvalidStartVersion, from))
			return
		}
		next := from
		for {
			if err := s.checkOpen(); err != nil {
				yield(RecordedEvent{}, err)
				return
			}
			batch := make([]rawEvent, 0, 64)
			err := s.scanAll(ctx, next, s.opts.MaxReadBatch, filter, false, func(r *rawEvent) error {
				batch = append(batch, r.copy())
				return nil
			})
			if err != nil {
				yield(RecordedEvent{}, err)
				return
			}
			if len(batch) == 0 {
				return
			}
			next = batch[len(batch)-1].position + 1 // before yieldBatch clears the rows
			if !s.yieldBatch(ctx, batch, yield) || len(batch) < s.opts.MaxReadBatch {
				return
			}
		}
	}
}

// yieldBatch decodes and yields a batch; it reports whether to go on.
func (s *Store) yieldBatch(ctx context.Context, batch []rawEvent, yield func(RecordedEvent, error) bool) bool {
	for i := range batch {
		if err := ctx.Err(); err != nil {
			yield(RecordedEvent{}, err)
			return false
		}
		if !yield(s.decode(&batch[i])) {
			return false
		}
		batch[i] = rawEvent{} // let the bytes go as we move on
	}
	return true
}

// copy returns r with its bytes copied out of the driver's buffers.
func (r *rawEvent) copy() rawEvent {
	c := *r
	c.data = append([]byte(nil), r.data...)
	c.meta = append([]byte(nil), r.meta...)
	return c
}
