package eventstore

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"time"

	"github.com/google/uuid"
)

// AppendResult is what an append wrote or, for an idempotent retry, what the
// earlier call had written.
type AppendResult struct {
	// Version is the stream version of the last event of the call (for a
	// call without events, the stream's current version).
	Version int64
	// Positions are the global positions of the events, in call order.
	Positions []int64
	// EventIDs are the ids of the events, in call order, including those the
	// store assigned.
	EventIDs []string
}

// encodedEvent is an event validated and serialized, ready to insert.
type encodedEvent struct {
	id       string
	assigned bool // the store made the id up: it cannot exist yet
	typ      string
	version  int
	guild    string
	data     []byte
	meta     []byte
}

// Append appends events to the stream streamID, all or nothing, when the
// stream's version matches expected (see ExpectedVersion). It returns the
// new stream version and the events' global positions.
//
// Checks run in this order, and the first failure is returned with nothing
// written: the store is open (ErrConnection); the stream id
// (ErrInvalidStreamID); the expected version (ErrInvalidExpectedVersion); the
// number of events (ErrInvalidBatchSize above Options.MaxAppendBatch); each
// event in order, as an *EventError naming its index: a nil event or empty
// type (ErrInvalidEventType), its Validate method (ErrInvalidEventData), its
// serialization (ErrInvalidEventType when the type is not registered,
// ErrSerializationFailed), an event id repeated within the call
// (ErrDuplicateEvent). Then, in the write transaction: a soft-deleted stream
// (ErrStreamDeleted); event ids already stored, which make the call an
// idempotent retry or fail it with ErrDuplicateEvent (see below); the
// expected version (*VersionError, matching ErrWrongExpectedVersion); the
// stream size (ErrStreamTooLarge above Options.MaxStreamSize).
//
// Idempotency: events whose metadata carries an event id are looked up. When
// every event of the call is already stored in this stream, at consecutive
// versions in call order exactly where the call would put them (for Any and
// StreamExists: anywhere, consecutively), the call is a retry of one that
// committed: nothing is written and the stored versions and positions are
// returned, even when the version check alone would now fail. Any other
// overlap with stored ids is ErrDuplicateEvent. Events without an id get a
// new UUID (version 7), returned in AppendResult.EventIDs; the caller's
// events are never modified.
//
// A call without events writes nothing and creates no stream; it still
// checks the expected version and returns the current version.
//
// Append waits until its events are durable (per Options.Synchronous).
// Cancelling ctx while the append still waits for the writer withdraws it:
// nothing is written and ctx's error is returned at once. Once the writer
// has started it, Append reports how it ended.
// Transient failures (busy, locked, I/O) are retried per Options.MaxRetries.
// It is safe for concurrent use. Do not call it from inside a Tx function of
// the same store: use Tx.Append there.
func (s *Store) Append(ctx context.Context, streamID string, expected ExpectedVersion, events ...Event) (AppendResult, error) {
	start := time.Now()
	op := Operation{Name: "append", StreamID: streamID, Events: len(events)}
	res, err := s.append(ctx, &op, streamID, expected, events)
	op.Err = err
	s.done(&op, start)
	return res, err
}

func (s *Store) append(ctx context.Context, op *Operation, streamID string, expected ExpectedVersion, events []Event) (AppendResult, error) {
	if err := s.checkOpen(); err != nil {
		return AppendResult{}, err
	}
	encoded, err := s.prepareAppend(streamID, expected, events)
	if err != nil {
		return AppendResult{}, err
	}
	var res AppendResult
	err = s.writeRequest(ctx, op, oneInsert(len(encoded)), func(w *writeTx) error {
		var err error
		res, err = w.append(streamID, expected, encoded)
		return err
	})
	if err != nil {
		return AppendResult{}, err
	}
	return res, nil
}

// prepareAppend checks the arguments and encodes the events, before any
// database work.
func (s *Store) prepareAppend(streamID string, expected ExpectedVersion, events []Event) ([]encodedEvent, error) {
	if err := ValidateStreamID(streamID); err != nil {
		return nil, err
	}
	if !expected.valid() {
		return nil, fmt.Errorf("%w: %d", ErrInvalidExpectedVersion, int64(expected))
	}
	if len(events) > s.opts.MaxAppendBatch {
		return nil, fmt.Errorf("%w: %d events, the limit is %d", ErrInvalidBatchSize, len(events), s.opts.MaxAppendBatch)
	}
	return s.encode(events)
}

// encode validates and serializes events, in order.
func (s *Store) encode(events []Event) ([]encodedEvent, error) {
	now := s.now()
	out := make([]encodedEvent, len(events))
	seen := make(map[string]int, len(events))
	for i, e := range events {
		if e == nil {
			return nil, &EventError{Index: i, Err: fmt.Errorf("%w: nil event", ErrInvalidEventType)}
		}
		typ := e.EventType()
		fail := func(err error) error { return &EventError{Index: i, EventType: typ, Err: err} }
		if typ == "" {
			return nil, fail(fmt.Errorf("%w: empty event type", ErrInvalidEventType))
		}
		if v, ok := e.(Validator); ok {
			if err := v.Validate(now); err != nil {
				if !isDataError(err) {
					err = fmt.Errorf("%w: %w", ErrInvalidEventData, err)
				}
				return nil, fail(err)
			}
		}
		data, err := s.opts.Serializer.Serialize(e)
		if err != nil {
			return nil, fail(err)
		}
		var m Metadata
		if c, ok := e.(MetadataCarrier); ok && c.EventMetadata() != nil {
			m = *c.EventMetadata()
		}
		enc := encodedEvent{id: m.EventID, typ: typ, version: e.EventVersion(), guild: m.GuildID, data: data}
		if g, ok := e.(GuildScoped); ok {
			enc.guild = g.EventGuildID()
		}
		if enc.id == "" {
			enc.id, enc.assigned = newEventID(), true
			m.EventID = enc.id
		} else if j, dup := seen[enc.id]; dup {
			return nil, fail(fmt.Errorf("%w: %q is also event %d of the call", ErrDuplicateEvent, enc.id, j))
		}
		seen[enc.id] = i
		if enc.meta, err = marshalMetadata(&m); err != nil {
			return nil, fail(fmt.Errorf("%w: metadata: %w", ErrSerializationFailed, err))
		}
		out[i] = enc
	}
	return out, nil
}

// isDataError reports whether a validator's error already names a category.
func isDataError(err error) bool {
	for _, target := range []error{ErrInvalidEventData, ErrInvalidEventType} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// newEventID returns a new UUID version 7: unique, and ordered by time.
func newEventID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// streamState is a stream as the writer sees it: its row, and its version
// read through the events index.
type streamState struct {
	exists  bool
	version int64 // also its event count: versions have no gaps
	deleted bool
}

// current returns the stream's version for checks: 0 when it has no events.
func (st streamState) current() int64 {
	if !st.exists {
		return 0
	}
	return st.version
}

// check applies the expected-version truth table.
func (st streamState) check(streamID string, expected ExpectedVersion) error {
	ok := false
	switch expected {
	case Any:
		ok = true
	case NoStream:
		ok = !st.exists
	case StreamExists:
		ok = st.exists && st.version > 0
	default:
		ok = st.current() == int64(expected)
	}
	if !ok {
		return &VersionError{StreamID: streamID, Expected: expected, Actual: st.current()}
	}
	return nil
}

// streamStateQuery reads a stream's row for the version check, and its
// version: the highest version of its events, one seek in the
// (stream_id, version) index, or a higher version whose event was removed
// from outside the store (lost_version, see schema_3.sql). A stream has a row
// exactly when it has events (soft-deleted ones included): an append creates
// it, a hard delete removes it with the events.
const streamStateQuery = `SELECT deleted_at IS NOT NULL, max(COALESCE(lost_version, 0),
	    COALESCE((SELECT max(e.version) FROM events e WHERE e.stream_id = s.stream_id), 0))
	FROM streams s WHERE s.stream_id = ?`

// createStreamQuery creates a stream's row at its first append. The row is
// not written again until the stream is deleted.
const createStreamQuery = "INSERT INTO streams (stream_id, guild_id, created_at) VALUES (?, ?, ?)"

// maxInsertShift bounds a multi-row INSERT at 1<<maxInsertShift rows. One
// statement per 64 rows saves most of the per-statement cost of the driver
// and database/sql, far below SQLite's parameter limit (9 per row).
const maxInsertShift = 6

// oneInsert reports whether an append of n events writes them with one
// INSERT (or writes nothing). That INSERT is then its only statement that
// can fail without breaking the transaction — the stream row's INSERT after
// it cannot, short of a fatal error — so it needs no savepoint of its own.
func oneInsert(n int) bool {
	return n <= 1<<maxInsertShift && n&(n-1) == 0
}

// insertEventsQuery returns an INSERT of rows event rows.
func insertEventsQuery(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO events (stream_id, version, event_id, event_type, schema_version, guild_id, data, metadata, created_at) VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	return b.String()
}

// stream reads a stream's row inside the write transaction.
func (w *writeTx) stream(streamID string) (streamState, error) {
	st := streamState{exists: true}
	err := w.stmt(w.store.wstmts.stream).QueryRowContext(context.Background(), streamID).
		Scan(&st.deleted, &st.version)
	if isNoRows(err) {
		return streamState{}, nil
	}
	if err != nil {
		return st, &fatalError{translate(err)}
	}
	return st, nil
}

// append is Append's work inside the write transaction.
func (w *writeTx) append(streamID string, expected ExpectedVersion, events []encodedEvent) (AppendResult, error) {
	st, err := w.stream(streamID)
	if err != nil {
		return AppendResult{}, err
	}
	if st.deleted {
		return AppendResult{}, fmt.Errorf("%w: %q", ErrStreamDeleted, streamID)
	}
	if res, retry, err := w.findRetry(streamID, expected, events); retry || err != nil {
		return res, err
	}
	if err := st.check(streamID, expected); err != nil {
		return AppendResult{}, err
	}
	if len(events) == 0 {
		return AppendResult{Version: st.current()}, nil
	}
	if st.current()+int64(len(events)) > int64(w.store.opts.MaxStreamSize) {
		return AppendResult{}, fmt.Errorf("%w: stream %q holds %d events, %d more would pass the limit of %d",
			ErrStreamTooLarge, streamID, st.current(), len(events), w.store.opts.MaxStreamSize)
	}

	res := AppendResult{Positions: make([]int64, len(events)), EventIDs: make([]string, len(events))}
	created := w.now.UnixMicro()
	version := st.current()
	for start := 0; start < len(events); {
		// The largest prepared multi-row INSERT that fits what is left.
		shift := min(bits.Len(uint(len(events)-start))-1, maxInsertShift)
		chunk := events[start : start+1<<shift]
		last, err := w.insertEvents(shift, streamID, version+int64(start)+1, chunk, created)
		if err != nil {
			return AppendResult{}, w.insertError(streamID, expected, start, chunk, err)
		}
		// The rows took consecutive positions: AUTOINCREMENT numbers them
		// in order within the statement, and nobody else writes meanwhile.
		for j, e := range chunk {
			res.Positions[start+j] = last - int64(len(chunk)-1-j)
			res.EventIDs[start+j] = e.id
		}
		start += len(chunk)
	}
	res.Version = version + int64(len(events))
	if !st.exists {
		_, err = w.stmt(w.store.wstmts.create).ExecContext(context.Background(), streamID, events[0].guild, created)
		if err != nil {
			return AppendResult{}, &fatalError{translate(err)}
		}
	}
	return res, nil
}

// insertEvents inserts the 1<<shift events of chunk, the first at version
// first, and returns the position of the last.
func (w *writeTx) insertEvents(shift int, streamID string, first int64, chunk []encodedEvent, created int64) (int64, error) {
	st := &w.store.wstmts
	args := st.args[:0]
	for j, e := range chunk {
		args = append(args, streamID, first+int64(j), e.id, e.typ, e.version, e.guild, e.data, e.meta, created)
	}
	r, err := w.stmt(st.insert[shift]).ExecContext(context.Background(), args...)
	clear(args) // let the payloads go
	st.args = args[:0]
	if err != nil {
		return 0, err
	}
	return r.LastInsertId()
}

// insertError explains a failed insert of chunk, the events of the call
// from index start on. A UNIQUE violation means another writer got there
// first (another process, between our check and insert, which BEGIN
// IMMEDIATE rules out) or a duplicate id.
func (w *writeTx) insertError(streamID string, expected ExpectedVersion, start int, chunk []encodedEvent, err error) error {
	err = translate(err)
	if !isUniqueViolation(err) {
		return &fatalError{err}
	}
	if strings.Contains(err.Error(), "event_id") {
		// The failed statement left nothing behind: name the first event
		// of the chunk whose id is stored.
		for j, e := range chunk {
			var one int
			qerr := w.tx.QueryRowContext(context.Background(), "SELECT 1 FROM events WHERE event_id = ?", e.id).Scan(&one)
			if qerr == nil {
				return &EventError{Index: start + j, EventType: e.typ, Err: fmt.Errorf("%w: %q", ErrDuplicateEvent, e.id)}
			}
			if !isNoRows(qerr) {
				return &fatalError{translate(qerr)}
			}
		}
		return &EventError{Index: start, EventType: chunk[0].typ, Err: fmt.Errorf("%w: %q", ErrDuplicateEvent, chunk[0].id)}
	}
	st, serr := w.stream(streamID)
	if serr != nil {
		return serr
	}
	return &VersionError{StreamID: streamID, Expected: expected, Actual: st.current()}
}

// findRetry looks up the call's caller-chosen event ids. It reports retry
// when the call repeats a committed one (see Append), an error when the ids
// overlap stored events in any other way, and neither when none is stored.
func (w *writeTx) findRetry(streamID string, expected ExpectedVersion, events []encodedEvent) (AppendResult, bool, error) {
	ids := make([]any, 0, len(events))
	for _, e := range events {
		if !e.assigned {
			ids = append(ids, e.id)
		}
	}
	if len(ids) == 0 {
		return AppendResult{}, false, nil
	}
	found := make(map[string]storedRef, len(ids))
	// Look ids up in chunks that stay below SQLite's parameter limit.
	for chunk := range chunks(ids, 500) {
		rows, err := w.tx.QueryContext(context.Background(),
			"SELECT event_id, stream_id, version, position FROM events WHERE event_id IN (?"+strings.Repeat(", ?", len(chunk)-1)+")",
			chunk...)
		if err != nil {
			return AppendResult{}, false, &fatalError{translate(err)}
		}
		for rows.Next() {
			var id string
			var st storedRef
			if err := rows.Scan(&id, &st.stream, &st.version, &st.position); err != nil {
				rows.Close()
				return AppendResult{}, false, &fatalError{translate(err)}
			}
			found[id] = st
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return AppendResult{}, false, &fatalError{translate(err)}
		}
	}
	if len(found) == 0 {
		return AppendResult{}, false, nil
	}

	// A retry: every event stored in this stream, consecutively, where the
	// call would put them.
	res := AppendResult{Positions: make([]int64, len(events)), EventIDs: make([]string, len(events))}
	for i, e := range events {
		st, ok := found[e.id]
		var want int64
		switch {
		case i > 0:
			want = res.Version + 1
		case expected >= 0:
			want = int64(expected) + 1
		case expected == NoStream:
			want = 1
		default: // Any, StreamExists: anywhere
			want = st.version
		}
		if !ok || st.stream != streamID || st.version != want {
			return AppendResult{}, false, duplicateError(streamID, events, found)
		}
		res.Version, res.Positions[i], res.EventIDs[i] = st.version, st.position, e.id
	}
	return res, true, nil
}

// duplicateError names the first event of the call whose id is stored.
func duplicateError(streamID string, events []encodedEvent, found map[string]storedRef) error {
	for i, e := range events {
		if st, ok := found[e.id]; ok {
			where := "elsewhere in this stream"
			if st.stream != streamID {
				where = fmt.Sprintf("in stream %q", st.stream)
			}
			return &EventError{Index: i, EventType: e.typ, Err: fmt.Errorf("%w: %q is stored %s at version %d",
				ErrDuplicateEvent, e.id, where, st.version)}
		}
	}
	return fmt.Errorf("%w: partial retry", ErrDuplicateEvent)
}

// storedRef is where a stored event id lives.
type storedRef struct {
	stream            string
	version, position int64
}

// chunks yields s in pieces of at most n.
func chunks[T any](s []T, n int) func(yield func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}
