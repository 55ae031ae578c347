package eventstore

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
)

// MaxEnvelopeLine is the longest JSONL line an EnvelopeReader accepts, in
// bytes, newline excluded.
const MaxEnvelopeLine = 16 << 20

// LineError reports the line of a JSONL stream an envelope failed on. Err
// keeps the cause: errors.Is finds its sentinel through a LineError.
type LineError struct {
	Line int // 1-based
	Err  error
}

// Error returns "line N: " and the cause.
func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause.
func (e *LineError) Unwrap() error { return e.Err }

// EnvelopeWriter writes events as JSONL envelopes: one Marshal line and a
// newline per event, nothing else. It does not buffer: wrap w in a
// bufio.Writer for many small writes. It is not safe for concurrent use.
type EnvelopeWriter struct {
	w    io.Writer
	s    Serializer
	line int
	buf  []byte
}

// NewEnvelopeWriter returns a writer to w encoding with s; a nil s means a
// JSONSerializer of DefaultRegistry().
func NewEnvelopeWriter(w io.Writer, s Serializer) *EnvelopeWriter {
	return &EnvelopeWriter{w: w, s: s}
}

// Write writes r as the next line. Errors are *LineError naming that line
// and wrapping the error of Marshal or of the underlying writer; after a
// write error the output may hold a partial line.
func (w *EnvelopeWriter) Write(r RecordedEvent) error {
	w.line++
	b, err := Marshal(w.s, r)
	if err != nil {
		return &LineError{Line: w.line, Err: err}
	}
	// One Write call per line, so a line is never interleaved with other
	// writers of w that also write whole lines.
	w.buf = append(append(w.buf[:0], b...), '\n')
	if _, err := w.w.Write(w.buf); err != nil {
		return &LineError{Line: w.line, Err: err}
	}
	return nil
}

// EnvelopeReader reads JSONL envelopes, one per line. Blank lines are
// skipped (but counted), a trailing carriage return is ignored, and the last
// line need not end in a newline. It is not safe for concurrent use.
type EnvelopeReader struct {
	sc   *bufio.Scanner
	s    Serializer
	line int
	err  error // a read error, which ends the stream
}

// NewEnvelopeReader returns a reader of r decoding with s; a nil s means a
// JSONSerializer of DefaultRegistry().
func NewEnvelopeReader(r io.Reader, s Serializer) *EnvelopeReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxEnvelopeLine+2) // room for "\r\n"
	return &EnvelopeReader{sc: sc, s: s}
}

// Line returns the number of the line last read, 0 before the first.
func (r *EnvelopeReader) Line() int { return r.line }

// Read returns the event of the next non-blank line, or io.EOF after the
// last one. A line that does not decode gives a *LineError wrapping
// Unmarshal's error (ErrDeserializationFailed, ErrInvalidEventType or
// ErrNoMigrationPath); Read may be called again to go on with the next
// line. A line longer than MaxEnvelopeLine gives a *LineError wrapping
// ErrDeserializationFailed and a failure of the underlying reader one
// wrapping that error; both end the stream, and every later Read returns
// the same error.
func (r *EnvelopeReader) Read() (RecordedEvent, error) {
	if r.err != nil {
		return RecordedEvent{}, r.err
	}
	for r.sc.Scan() {
		r.line++
		b := bytes.TrimSpace(r.sc.Bytes())
		if len(b) == 0 {
			continue
		}
		ev, err := Unmarshal(r.s, b)
		if err != nil {
			return RecordedEvent{}, &LineError{Line: r.line, Err: err}
		}
		return ev, nil
	}
	switch err := r.sc.Err(); {
	case err == nil:
		r.err = io.EOF
	case errors.Is(err, bufio.ErrTooLong):
		r.err = &LineError{Line: r.line + 1, Err: fmt.Errorf("%w: line longer than %d bytes", ErrDeserializationFailed, MaxEnvelopeLine)}
	default:
		r.err = &LineError{Line: r.line + 1, Err: err}
	}
	return RecordedEvent{}, r.err
}

// All returns an iterator over the remaining events. It yields each event
// with a nil error, or a zero event with the first error and stops; it
// never yields io.EOF.
func (r *EnvelopeReader) All() iter.Seq2[RecordedEvent, error] {
	return func(yield func(RecordedEvent, error) bool) {
		for {
			ev, err := r.Read()
			if err == io.EOF {
				return
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// ReadJSONL reads every envelope of r (see EnvelopeReader) and returns the
// events in order, or the first error, a *LineError. An empty input gives
// no events and no error. A nil s means a JSONSerializer of
// DefaultRegistry().
func ReadJSONL(r io.Reader, s Serializer) ([]RecordedEvent, error) {
	var events []RecordedEvent
	for ev, err := range NewEnvelopeReader(r, s).All() {
		if err != nil {
			return nil, err
		}
		events = append(events, ev)
	}
	return events, nil
}

// WriteJSONL writes events to w as JSONL envelopes (see EnvelopeWriter) and
// returns the first error, a *LineError. A nil s means a JSONSerializer of
// DefaultRegistry().
func WriteJSONL(w io.Writer, s Serializer, events []RecordedEvent) error {
	ew := NewEnvelopeWriter(w, s)
	for _, ev := range events {
		if err := ew.Write(ev); err != nil {
			return err
		}
	}
	return nil
}
