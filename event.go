package eventstore

import (
	"strconv"
	"time"
)

// Event is a domain event the store can append and decode. Its type and
// schema version select the Go type in a Registry.
//
// An event may also implement Validator, to be checked before it is stored,
// and MetadataCarrier, to carry its Metadata (stored in its own column and
// put back on read). The GameBot events of this package implement both.
type Event interface {
	// EventType is the event's registered type name, e.g. "game_started".
	EventType() string
	// EventVersion is the event's schema version, starting at 1.
	EventVersion() int
}

// Validator is implemented by events that check their own data. Validate
// returns nil or an error matching ErrInvalidEventData (a *ValidationError
// names the field). now is the store's clock (Options.Now).
type Validator interface {
	Validate(now time.Time) error
}

// MetadataCarrier is implemented by events that carry Metadata. The store
// reads the metadata on append (event id, guild id) and writes the stored
// metadata back through the pointer on read.
type MetadataCarrier interface {
	EventMetadata() *Metadata
}

// GuildScoped is implemented by events that belong to a Discord guild. The
// guild id is stored in its own indexed column so a guild's events can be
// listed and deleted without decoding data. Events that are not GuildScoped
// use their metadata's guild id, if any.
type GuildScoped interface {
	EventGuildID() string
}

// RecordedEvent is an event as stored: its place in its stream and in the
// global order, and the decoded event.
type RecordedEvent struct {
	EventID       string    // unique across the store
	StreamID      string    // the stream it belongs to
	Version       int64     // its stream version, 1 for the first event
	Position      int64     // its global position in the $all order
	EventType     string    // its registered type
	SchemaVersion int       // the schema version it was stored with
	GuildID       string    // the guild column, "" when none
	Event         Event     // decoded and upcast to the registered version
	Metadata      Metadata  // its metadata, event id included
	CreatedAt     time.Time // commit time by the store's clock, UTC
}

// ExpectedVersion is the version a stream must have for an append or delete
// to proceed: Any, NoStream, StreamExists, or an exact version n ≥ 0 (0 means
// the stream has no events yet).
type ExpectedVersion int64

const (
	// Any skips the version check.
	Any ExpectedVersion = -1
	// NoStream passes when the stream has no events and is not deleted.
	NoStream ExpectedVersion = -2
	// StreamExists passes when the stream has at least one event.
	StreamExists ExpectedVersion = -3
)

// String returns "any", "no_stream", "stream_exists" or the number.
func (v ExpectedVersion) String() string {
	switch v {
	case Any:
		return "any"
	case NoStream:
		return "no_stream"
	case StreamExists:
		return "stream_exists"
	}
	return strconv.FormatInt(int64(v), 10)
}

func (v ExpectedVersion) valid() bool {
	return v >= 0 || v == Any || v == NoStream || v == StreamExists
}
