package eventstore

// Metadata is what is known about why and by whom an event was written. It
// is stored once per event, in its own column, never inside the event data.
type Metadata struct {
	SourceID      string            `json:"source_id"`              // the Discord message or interaction id
	CorrelationID string            `json:"correlation_id"`         // shared by every event of one chain of work
	CausationID   string            `json:"causation_id,omitempty"` // what caused this event
	ActorID       string            `json:"actor_id,omitempty"`     // the user who acted
	GuildID       string            `json:"guild_id,omitempty"`     // the guild, when known
	EventID       string            `json:"event_id,omitempty"`     // the event's own id; assigned when empty
	Extra         map[string]string `json:"extra,omitempty"`        // anything else worth keeping
}
