package eventstore

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// Serializer turns events into bytes and back. The event's type and schema
// version travel beside the bytes (the store keeps them in their own
// columns). Implementations must be safe for concurrent use and
// deterministic: the same event always gives the same bytes.
type Serializer interface {
	// Serialize encodes e's data (without its metadata). It returns an
	// error matching ErrInvalidEventType when e's type and version are not
	// registered, or ErrSerializationFailed.
	Serialize(e Event) ([]byte, error)
	// Deserialize decodes data stored as eventType at version into a new
	// event of the current registered version, upcasting as needed. Errors
	// match ErrInvalidEventType, ErrNoMigrationPath or
	// ErrDeserializationFailed.
	Deserialize(eventType string, version int, data []byte) (Event, error)
}

// JSONSerializer is the default Serializer: JSON with the Go types of a
// Registry. Determinism comes from the event types themselves (sorted map
// keys, sorted sets, UTC times with microseconds).
type JSONSerializer struct {
	registry *Registry
}

// NewJSONSerializer returns a JSON serializer for the types of r; nil means
// DefaultRegistry().
func NewJSONSerializer(r *Registry) *JSONSerializer {
	if r == nil {
		r = DefaultRegistry()
	}
	return &JSONSerializer{registry: r}
}

// Registry returns the registry the serializer decodes with.
func (s *JSONSerializer) Registry() *Registry { return s.registry }

// Serialize implements Serializer.
func (s *JSONSerializer) Serialize(e Event) ([]byte, error) {
	if e == nil {
		return nil, fmt.Errorf("%w: nil event", ErrInvalidEventType)
	}
	// A typed nil pointer would encode as null and decode as a zero event.
	if v := reflect.ValueOf(e); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, fmt.Errorf("%w: nil %T", ErrInvalidEventType, e)
	}
	if _, err := s.registry.New(e.EventType(), e.EventVersion()); err != nil {
		return nil, err
	}
	data, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrSerializationFailed, e.EventType(), err)
	}
	return data, nil
}

// Deserialize implements Serializer.
func (s *JSONSerializer) Deserialize(eventType string, version int, data []byte) (Event, error) {
	data, current, err := s.registry.Upcast(eventType, version, data)
	if err != nil {
		return nil, err
	}
	e, err := s.registry.New(eventType, current)
	if err != nil {
		return nil, err
	}
	if err := unmarshal(data, e); err != nil {
		return nil, fmt.Errorf("%w: %s version %d: %w", ErrDeserializationFailed, eventType, version, err)
	}
	return e, nil
}

// unmarshal decodes data into e. An event with its own UnmarshalJSON (every
// GameBot event) is handed the bytes directly: json.Unmarshal would first
// scan them twice (validating, then skipping the value) only to call the
// same method, which validates as it decodes.
func unmarshal(data []byte, e Event) error {
	if u, ok := e.(json.Unmarshaler); ok {
		return u.UnmarshalJSON(data)
	}
	return json.Unmarshal(data, e)
}
