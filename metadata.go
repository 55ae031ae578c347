package eventstore

import "github.com/google/uuid"

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

// NewEventID returns a new random UUID version 7 (time-ordered) as text,
// the form of every id this package makes. It is safe for concurrent use.
func NewEventID() string {
	id, err := uuid.NewV7()
	if err != nil {
		// NewV7 fails only when the system's random source does; a
		// version 4 id is as unique, just not time-ordered.
		return uuid.NewString()
	}
	return id.String()
}

// NewMetadata returns the metadata of an event that starts a new chain of
// work: sourceID is the Discord message or interaction id that caused it,
// the correlation id is new (NewEventID), guildID and actorID may be empty
// (a DM, the bot itself). Causation and event ids are left empty: the store
// assigns the event id on append unless the caller sets one.
func NewMetadata(sourceID, guildID, actorID string) Metadata {
	return Metadata{
		SourceID:      sourceID,
		CorrelationID: NewEventID(),
		ActorID:       actorID,
		GuildID:       guildID,
	}
}

// FollowUp returns the metadata of an event caused by the event m belongs
// to: the same correlation, guild and actor; the causation id is m's event
// id, or m's source id when m has no event id yet; sourceID is the new
// source. The event id is left empty and Extra is not carried over (a new
// event has its own). m is not changed.
func (m Metadata) FollowUp(sourceID string) Metadata {
	cause := m.EventID
	if cause == "" {
		cause = m.SourceID
	}
	return Metadata{
		SourceID:      sourceID,
		CorrelationID: m.CorrelationID,
		CausationID:   cause,
		ActorID:       m.ActorID,
		GuildID:       m.GuildID,
	}
}
