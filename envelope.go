package eventstore

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"time"
)

// Envelope is the self-describing JSON form of one stored event, the unit
// of the JSONL import, export, archive and testdata format. Its keys come
// out in this order, one object per event:
//
//	{"type":…,"version":…,"stream_id":…,"stream_version":…,"position":…,
//	 "event_id":…,"created_at":…,"data":{…},"metadata":{…}}
//
// Version is the schema version Data is encoded with; StreamVersion and
// Position are the event's place in its stream and in the global order;
// CreatedAt is encoded like every time of the package (TimeLayout).
type Envelope struct {
	Type          string          `json:"type"`
	Version       int             `json:"version"`
	StreamID      string          `json:"stream_id"`
	StreamVersion int64           `json:"stream_version"`
	Position      int64           `json:"position"`
	EventID       string          `json:"event_id"`
	CreatedAt     time.Time       `json:"created_at"`
	Data          json.RawMessage `json:"data"`
	Metadata      Metadata        `json:"metadata"`
}

// envelopeJSON is Envelope's wire form: the same keys in the same order,
// with the package's time encoding.
type envelopeJSON struct {
	Type          string          `json:"type"`
	Version       int             `json:"version"`
	StreamID      string          `json:"stream_id"`
	StreamVersion int64           `json:"stream_version"`
	Position      int64           `json:"position"`
	EventID       string          `json:"event_id"`
	CreatedAt     jsonTime        `json:"created_at"`
	Data          json.RawMessage `json:"data"`
	Metadata      Metadata        `json:"metadata"`
}

// MarshalJSON implements json.Marshaler. A nil Data encodes as null.
func (e Envelope) MarshalJSON() ([]byte, error) {
	return json.Marshal(envelopeJSON{e.Type, e.Version, e.StreamID, e.StreamVersion,
		e.Position, e.EventID, jsonTime(e.CreatedAt), e.Data, e.Metadata})
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *Envelope) UnmarshalJSON(b []byte) error {
	var w envelopeJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = Envelope{w.Type, w.Version, w.StreamID, w.StreamVersion,
		w.Position, w.EventID, time.Time(w.CreatedAt), w.Data, w.Metadata}
	return nil
}

// defaultSerializer is the serializer a nil Serializer argument stands for.
var defaultSerializer = sync.OnceValue(func() Serializer { return NewJSONSerializer(nil) })

// Marshal returns the envelope of r as one line of JSON without a trailing
// newline. The event is encoded with s (nil means a JSONSerializer of
// DefaultRegistry()); type and version come from r.Event, since that is
// what the data encodes, not from r.EventType and r.SchemaVersion. The
// metadata is r.Metadata or, when that is the zero value, the event's own
// (MetadataCarrier); the event id is r.EventID or else the metadata's, and
// is written to both places. r.CreatedAt is encoded at microsecond
// precision in UTC. The same r always gives the same bytes.
//
// Errors: those of s.Serialize (ErrInvalidEventType for a nil or
// unregistered event, ErrSerializationFailed); ErrSerializationFailed when
// r.EventID and the metadata's event id differ or a time cannot be encoded.
func Marshal(s Serializer, r RecordedEvent) ([]byte, error) {
	if s == nil {
		s = defaultSerializer()
	}
	if r.Event == nil {
		return nil, fmt.Errorf("%w: nil event", ErrInvalidEventType)
	}
	data, err := s.Serialize(r.Event)
	if err != nil {
		return nil, err
	}
	md := r.Metadata
	if c, ok := r.Event.(MetadataCarrier); ok && reflect.ValueOf(md).IsZero() {
		if p := c.EventMetadata(); p != nil {
			md = *p
		}
	}
	id, err := reconcileEventID(r.EventID, &md)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSerializationFailed, err)
	}
	// Envelope's own encoder directly: json.Marshal would only validate
	// and compact its output once more.
	b, err := Envelope{
		Type:          r.Event.EventType(),
		Version:       r.Event.EventVersion(),
		StreamID:      r.StreamID,
		StreamVersion: r.Version,
		Position:      r.Position,
		EventID:       id,
		CreatedAt:     r.CreatedAt,
		Data:          data,
		Metadata:      md,
	}.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("%w: envelope of %s: %w", ErrSerializationFailed, r.Event.EventType(), err)
	}
	return b, nil
}

// Unmarshal decodes one envelope (surrounding whitespace allowed) into a
// RecordedEvent. The data is decoded and upcast to the registered version
// by s (nil means a JSONSerializer of DefaultRegistry()); the metadata is
// put back into the event when it is a MetadataCarrier; the event id is the
// envelope's or else the metadata's, and set in both. GuildID is the
// event's (GuildScoped) or else the metadata's. SchemaVersion is the
// envelope's version, the one the data was stored with. Unmarshal does not
// validate the event or check its place in its stream.
//
// Errors: ErrDeserializationFailed for malformed JSON, missing or null
// data, event ids that differ, and whatever s.Deserialize returns
// (ErrInvalidEventType for an empty or unknown type, ErrNoMigrationPath,
// ErrDeserializationFailed).
func Unmarshal(s Serializer, b []byte) (RecordedEvent, error) {
	if s == nil {
		s = defaultSerializer()
	}
	var env Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return RecordedEvent{}, fmt.Errorf("%w: envelope: %w", ErrDeserializationFailed, err)
	}
	if env.Type == "" {
		return RecordedEvent{}, fmt.Errorf("%w: envelope has no type", ErrInvalidEventType)
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return RecordedEvent{}, fmt.Errorf("%w: envelope of %s has no data", ErrDeserializationFailed, env.Type)
	}
	md := env.Metadata
	id, err := reconcileEventID(env.EventID, &md)
	if err != nil {
		return RecordedEvent{}, fmt.Errorf("%w: %w", ErrDeserializationFailed, err)
	}
	ev, err := s.Deserialize(env.Type, env.Version, env.Data)
	if err != nil {
		return RecordedEvent{}, err
	}
	if ev == nil {
		return RecordedEvent{}, fmt.Errorf("%w: %s: serializer returned no event", ErrDeserializationFailed, env.Type)
	}
	if c, ok := ev.(MetadataCarrier); ok {
		if p := c.EventMetadata(); p != nil {
			*p = md
		}
	}
	guild := md.GuildID
	if g, ok := ev.(GuildScoped); ok && g.EventGuildID() != "" {
		guild = g.EventGuildID()
	}
	return RecordedEvent{
		EventID:       id,
		StreamID:      env.StreamID,
		Version:       env.StreamVersion,
		Position:      env.Position,
		EventType:     env.Type,
		SchemaVersion: env.Version,
		GuildID:       guild,
		Event:         ev,
		Metadata:      md,
		CreatedAt:     env.CreatedAt,
	}, nil
}

// reconcileEventID returns the event id of an envelope from its own id and
// its metadata's: either may be empty, and the metadata is given the
// result. Two different non-empty ids are an error.
func reconcileEventID(id string, md *Metadata) (string, error) {
	switch {
	case id == "":
		id = md.EventID
	case md.EventID != "" && md.EventID != id:
		return "", fmt.Errorf("event_id %q differs from metadata.event_id %q", id, md.EventID)
	}
	md.EventID = id
	return id, nil
}
