package eventstore

import (
	"errors"
	"fmt"
)

// Validation errors: the call's arguments were wrong. Nothing was written.
var (
	// ErrInvalidStreamID is returned when a stream id is empty, longer than
	// 255 bytes, not valid UTF-8, holds a control character, or starts with
	// the reserved '$'.
	ErrInvalidStreamID = errors.New("eventstore: invalid stream id")
	// ErrInvalidStartVersion is returned when a read starts at a negative
	// version or position (other than -1 for backward reads).
	ErrInvalidStartVersion = errors.New("eventstore: invalid start version")
	// ErrInvalidBatchSize is returned when a read count is below 1 or above
	// Options.MaxReadBatch, or an append carries more than
	// Options.MaxAppendBatch events.
	ErrInvalidBatchSize = errors.New("eventstore: invalid batch size")
	// ErrInvalidExpectedVersion is returned when an expected version is
	// negative but none of Any, NoStream and StreamExists.
	ErrInvalidExpectedVersion = errors.New("eventstore: invalid expected version")
)

// Concurrency errors: the stored state did not allow the call.
var (
	// ErrWrongExpectedVersion is returned when a stream's version does not
	// match the expected version of an append or delete. The error is a
	// *VersionError carrying the stream, expected and actual versions.
	ErrWrongExpectedVersion = errors.New("eventstore: wrong expected version")
	// ErrStreamNotFound is returned when a stream that must exist has no
	// events (it never had any, or it was hard-deleted).
	ErrStreamNotFound = errors.New("eventstore: stream not found")
	// ErrStreamDeleted is returned when a stream was soft-deleted: it can no
	// longer be read, appended to or deleted again.
	ErrStreamDeleted = errors.New("eventstore: stream deleted")
	// ErrDuplicateEvent is returned when an appended event's id is already
	// stored somewhere the call is not an exact retry of, or repeats within
	// the call.
	ErrDuplicateEvent = errors.New("eventstore: duplicate event id")
	// ErrStreamTooLarge is returned when an append would take a stream past
	// Options.MaxStreamSize events.
	ErrStreamTooLarge = errors.New("eventstore: stream too large")
)

// Infrastructure errors: the database or the encoding failed.
var (
	// ErrConnection is returned when the database cannot be used: the store
	// is closed, the file is busy past the retry budget, an I/O error
	// occurred, the disk is full, or the file is not a store.
	ErrConnection = errors.New("eventstore: connection failed")
	// ErrSerializationFailed is returned when an event cannot be encoded.
	ErrSerializationFailed = errors.New("eventstore: serialization failed")
	// ErrDeserializationFailed is returned when stored bytes cannot be
	// decoded into an event, a migration fails, or a stored schema version
	// is newer than the registered one.
	ErrDeserializationFailed = errors.New("eventstore: deserialization failed")
)

// Domain errors: the events themselves are wrong.
var (
	// ErrInvalidEventType is returned when an event's type is empty or not
	// registered.
	ErrInvalidEventType = errors.New("eventstore: invalid event type")
	// ErrInvalidEventData is returned when an event fails its validation.
	ErrInvalidEventData = errors.New("eventstore: invalid event data")
	// ErrNoMigrationPath is returned when a stored schema version cannot be
	// upcast to the registered one.
	ErrNoMigrationPath = errors.New("eventstore: no migration path")
	// ErrSnapshotNotFound is returned when a stream has no usable snapshot.
	ErrSnapshotNotFound = errors.New("eventstore: snapshot not found")
	// ErrCorruptStream is returned when game recovery meets a stream that is
	// not a well-formed game stream (EVENTS.md, "Streams of a game"): a
	// version is missing, an event cannot be decoded or fails validation,
	// or the sequence breaks one of the stream's rules. The error is a
	// *RecoveryError naming the stream, version, position and rule.
	ErrCorruptStream = errors.New("eventstore: corrupt game stream")
)

// Subscription errors.
var (
	// ErrSubscriptionClosed is returned by Subscription.Next once the
	// subscription's Close has been called.
	ErrSubscriptionClosed = errors.New("eventstore: subscription closed")
)

// errClosed is what every method of a closed store returns.
var errClosed = fmt.Errorf("%w: store is closed", ErrConnection)

// VersionError reports a failed expected-version check. It matches
// ErrWrongExpectedVersion with errors.Is.
type VersionError struct {
	StreamID string
	Expected ExpectedVersion
	Actual   int64 // the stream's version; 0 when it has no events
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("eventstore: wrong expected version: stream %q expected %s, actual %d",
		e.StreamID, e.Expected, e.Actual)
}

// Is reports whether target is ErrWrongExpectedVersion.
func (e *VersionError) Is(target error) bool { return target == ErrWrongExpectedVersion }

// EventError reports which event of an append failed and why. Err matches
// ErrInvalidEventData, ErrInvalidEventType, ErrSerializationFailed or
// ErrDuplicateEvent.
type EventError struct {
	Index     int    // the event's index in the call
	EventType string // the event's type, when known
	Err       error
}

func (e *EventError) Error() string {
	if e.EventType == "" {
		return fmt.Sprintf("event %d: %v", e.Index, e.Err)
	}
	return fmt.Sprintf("event %d (%s): %v", e.Index, e.EventType, e.Err)
}

func (e *EventError) Unwrap() error { return e.Err }

// ValidationError names the field of an event that broke a rule. It matches
// ErrInvalidEventData with errors.Is.
type ValidationError struct {
	Field   string // the JSON name of the field, dotted for nested fields
	Message string // a short lower-case sentence, e.g. "game_id is required"
}

func (e *ValidationError) Error() string {
	return "eventstore: invalid event data: " + e.Message
}

// Is reports whether target is ErrInvalidEventData.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidEventData }

// DecodeError reports a stored event that could not be decoded. Err matches
// ErrDeserializationFailed, ErrNoMigrationPath or ErrInvalidEventType.
type DecodeError struct {
	StreamID string
	Version  int64
	Position int64
	Err      error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("stream %q version %d position %d: %v", e.StreamID, e.Version, e.Position, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// RecoveryError reports the event at which game recovery stopped and the
// rule of a game stream it breaks. It matches ErrCorruptStream with
// errors.Is, and unwraps to Err: a *DecodeError (matching
// ErrDeserializationFailed) for an event that cannot be decoded, a
// *ValidationError (matching ErrInvalidEventData) for an invalid event.
type RecoveryError struct {
	StreamID string
	Version  int64  // the stream version of the offending event
	Position int64  // its global position; 0 when the event is missing
	Rule     string // the rule broken, one of the Rule constants
	Err      error  // what exactly is wrong
}

func (e *RecoveryError) Error() string {
	cause := e.Err
	if de, ok := cause.(*DecodeError); ok {
		cause = de.Err // its stream, version and position are already said
	}
	return fmt.Sprintf("eventstore: corrupt game stream: stream %q version %d position %d: %s: %v",
		e.StreamID, e.Version, e.Position, e.Rule, cause)
}

// Is reports whether target is ErrCorruptStream.
func (e *RecoveryError) Is(target error) bool { return target == ErrCorruptStream }

func (e *RecoveryError) Unwrap() error { return e.Err }
