package eventstore

import (
	"encoding/json"
	"time"
)

// JSON forms of the GameBot events. encoding/json does most of the work:
// struct fields keep their declared order and map keys come out sorted. The
// methods here only swap every time.Time for a jsonTime, so times always
// read as UTC with exactly six fractional digits.
//
// The pattern: an event's MarshalJSON encodes an anonymous struct that
// embeds baseJSON (the base fields with a jsonTime) and the event converted
// to a method-less copy of its type ("plain", which stops the recursion).
// Fields of the anonymous struct are shallower than the ones they replace,
// so encoding/json picks them and ignores the originals.

// baseJSON is the wire form of Base (Metadata is never part of it). Its
// field order is the order of the keys in every event's JSON.
type baseJSON struct {
	GameID      string   `json:"game_id"`
	GuildID     string   `json:"guild_id"`
	Mode        Mode     `json:"mode"`
	RoundNumber int      `json:"round_number"`
	Timestamp   jsonTime `json:"timestamp"`
}

func (b *Base) wire() baseJSON {
	return baseJSON{b.GameID, b.GuildID, b.Mode, b.RoundNumber, jsonTime(b.Timestamp)}
}

func (b *Base) setWire(w baseJSON) {
	b.GameID, b.GuildID, b.Mode, b.RoundNumber = w.GameID, w.GuildID, w.Mode, w.RoundNumber
	b.Timestamp = time.Time(w.Timestamp)
}

// MarshalJSON implements json.Marshaler. Besides timestamp, started_at
// is a time, so it is replaced too.
func (e GameStarted) MarshalJSON() ([]byte, error) {
	type plain GameStarted
	return json.Marshal(struct {
		baseJSON
		plain
		StartedAt jsonTime `json:"started_at"`
	}{e.wire(), plain(e), jsonTime(e.StartedAt)})
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *GameStarted) UnmarshalJSON(b []byte) error {
	type plain GameStarted
	// The embedded pointer lets encoding/json fill e's own fields in
	// place; the replaced ones are copied back after decoding.
	w := struct {
		baseJSON
		*plain
		StartedAt jsonTime `json:"started_at"`
	}{e.wire(), (*plain)(e), jsonTime(e.StartedAt)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	e.setWire(w.baseJSON)
	e.StartedAt = time.Time(w.StartedAt)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (e RoundStarted) MarshalJSON() ([]byte, error) {
	type plain RoundStarted
	return json.Marshal(struct {
		baseJSON
		plain
	}{e.wire(), plain(e)})
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *RoundStarted) UnmarshalJSON(b []byte) error {
	type plain RoundStarted
	w := struct {
		baseJSON
		*plain
	}{e.wire(), (*plain)(e)}
	return unmarshalBase(b, &w, &w.baseJSON, &e.Base)
}

// MarshalJSON implements json.Marshaler.
func (e GuessProcessed) MarshalJSON() ([]byte, error) {
	type plain GuessProcessed
	return json.Marshal(struct {
		baseJSON
		plain
	}{e.wire(), plain(e)})
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *GuessProcessed) UnmarshalJSON(b []byte) error {
	type plain GuessProcessed
	w := struct {
		baseJSON
		*plain
	}{e.wire(), (*plain)(e)}
	return unmarshalBase(b, &w, &w.baseJSON, &e.Base)
}

// MarshalJSON implements json.Marshaler.
func (e GuessAbandoned) MarshalJSON() ([]byte, error) {
	type plain GuessAbandoned
	return json.Marshal(struct {
		baseJSON
		plain
	}{e.wire(), plain(e)})
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *GuessAbandoned) UnmarshalJSON(b []byte) error {
	type plain GuessAbandoned
	w := struct {
		baseJSON
		*plain
	}{e.wire(), (*plain)(e)}
	return unmarshalBase(b, &w, &w.baseJSON, &e.Base)
}

// MarshalJSON implements json.Marshaler.
func (e TeamEliminated) MarshalJSON() ([]byte, error) {
	type plain TeamEliminated
	return json.Marshal(struct {
		baseJSON
		plain
	}{e.wire(), plain(e)})
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *TeamEliminated) UnmarshalJSON(b []byte) error {
	type plain TeamEliminated
	w := struct {
		baseJSON
		*plain
	}{e.wire(), (*plain)(e)}
	return unmarshalBase(b, &w, &w.baseJSON, &e.Base)
}

// MarshalJSON implements json.Marshaler. finished_at is replaced like
// timestamp.
func (e GameCompleted) MarshalJSON() ([]byte, error) {
	type plain GameCompleted
	return json.Marshal(struct {
		baseJSON
		plain
		FinishedAt jsonTime `json:"finished_at"`
	}{e.wire(), plain(e), jsonTime(e.FinishedAt)})
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *GameCompleted) UnmarshalJSON(b []byte) error {
	type plain GameCompleted
	w := struct {
		baseJSON
		*plain
		FinishedAt jsonTime `json:"finished_at"`
	}{e.wire(), (*plain)(e), jsonTime(e.FinishedAt)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	e.setWire(w.baseJSON)
	e.FinishedAt = time.Time(w.FinishedAt)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (e KnockoutRoundCompleted) MarshalJSON() ([]byte, error) {
	type plain KnockoutRoundCompleted
	return json.Marshal(struct {
		baseJSON
		plain
	}{e.wire(), plain(e)})
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *KnockoutRoundCompleted) UnmarshalJSON(b []byte) error {
	type plain KnockoutRoundCompleted
	w := struct {
		baseJSON
		*plain
	}{e.wire(), (*plain)(e)}
	return unmarshalBase(b, &w, &w.baseJSON, &e.Base)
}

// MarshalJSON implements json.Marshaler.
func (e RaceModeTimeExpired) MarshalJSON() ([]byte, error) {
	type plain RaceModeTimeExpired
	return json.Marshal(struct {
		baseJSON
		plain
	}{e.wire(), plain(e)})
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *RaceModeTimeExpired) UnmarshalJSON(b []byte) error {
	type plain RaceModeTimeExpired
	w := struct {
		baseJSON
		*plain
	}{e.wire(), (*plain)(e)}
	return unmarshalBase(b, &w, &w.baseJSON, &e.Base)
}

// unmarshalBase decodes b into the wire struct w and copies the decoded
// base fields into base. The event's other fields were decoded in place
// through w's embedded pointer; Metadata is left as it was, since it is
// not part of the data.
func unmarshalBase(b []byte, w any, wb *baseJSON, base *Base) error {
	if err := json.Unmarshal(b, w); err != nil {
		return err
	}
	base.setWire(*wb)
	return nil
}

// MarshalJSON implements json.Marshaler. LastGuess is never embedded, so
// it may have JSON methods of its own.
func (g LastGuess) MarshalJSON() ([]byte, error) {
	type plain LastGuess
	return json.Marshal(struct {
		plain
		Timestamp jsonTime `json:"timestamp"`
	}{plain(g), jsonTime(g.Timestamp)})
}

// UnmarshalJSON implements json.Unmarshaler.
func (g *LastGuess) UnmarshalJSON(b []byte) error {
	type plain LastGuess
	w := struct {
		*plain
		Timestamp jsonTime `json:"timestamp"`
	}{(*plain)(g), jsonTime(g.Timestamp)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	g.Timestamp = time.Time(w.Timestamp)
	return nil
}

// MarshalJSON implements json.Marshaler. A nil last_match_timestamp
// stays null.
func (m TeamMatches) MarshalJSON() ([]byte, error) {
	type plain TeamMatches
	return json.Marshal(struct {
		plain
		LastMatchTimestamp *jsonTime `json:"last_match_timestamp"`
	}{plain(m), timePtr(m.LastMatchTimestamp)})
}

// UnmarshalJSON implements json.Unmarshaler.
func (m *TeamMatches) UnmarshalJSON(b []byte) error {
	type plain TeamMatches
	w := struct {
		*plain
		LastMatchTimestamp *jsonTime `json:"last_match_timestamp"`
	}{(*plain)(m), timePtr(m.LastMatchTimestamp)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	m.LastMatchTimestamp = fromTimePtr(w.LastMatchTimestamp)
	return nil
}
