package eventstore

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// Every event carries Metadata, so its JSON is on the hot path of both
// appends and reads; encoding/json spends more time finding its way around
// the struct than copying the bytes. The functions here handle the common
// shape by hand — flat ASCII ids and no Extra — and hand everything else to
// encoding/json, so the bytes written and the values read are exactly
// encoding/json's. TestMetadataJSON holds them to that.

// metadataFields are the JSON names of Metadata's fields, in order. The
// test fails when Metadata changes without these functions.
var metadataFields = [...]string{"source_id", "correlation_id", "causation_id", "actor_id", "guild_id", "event_id", "extra"}

// marshalMetadata returns json.Marshal(m).
func marshalMetadata(m *Metadata) ([]byte, error) {
	if len(m.Extra) > 0 {
		return json.Marshal(m)
	}
	values := [...]string{m.SourceID, m.CorrelationID, m.CausationID, m.ActorID, m.GuildID, m.EventID}
	size := 2
	for i, v := range values {
		if !plainJSON(v) {
			return json.Marshal(m)
		}
		size += len(metadataFields[i]) + len(v) + 6
	}
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, v := range values {
		// source_id and correlation_id have no omitempty.
		if v == "" && i >= 2 {
			continue
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, metadataFields[i]...)
		b = append(b, `":"`...)
		b = append(b, v...)
		b = append(b, '"')
	}
	return append(b, '}'), nil
}

// plainJSON reports whether encoding/json writes s as it is between quotes:
// printable ASCII without the characters it escapes (", \ and, for HTML
// safety, <, > and &).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// unmarshalMetadata does json.Unmarshal(data, m) for a zero m.
func unmarshalMetadata(data []byte, m *Metadata) error {
	if fastUnmarshalMetadata(data, m) {
		return nil
	}
	*m = Metadata{}
	return json.Unmarshal(data, m)
}

// fastUnmarshalMetadata decodes the shape marshalMetadata writes: one flat
// object of known keys with string values free of escapes, no whitespace.
// It reports false, with m partly filled, for anything else.
func fastUnmarshalMetadata(data []byte, m *Metadata) bool {
	if len(data) < 2 || data[0] != '{' || data[len(data)-1] != '}' {
		return false
	}
	rest := data[1 : len(data)-1]
	for len(rest) > 0 {
		key, r, ok := jsonPlainString(rest)
		if !ok || len(r) == 0 || r[0] != ':' {
			return false
		}
		value, r, ok := jsonPlainString(r[1:])
		if !ok {
			return false
		}
		// Exact keys only: encoding/json also matches other cases.
		switch string(key) {
		case "source_id":
			m.SourceID = string(value)
		case "correlation_id":
			m.CorrelationID = string(value)
		case "causation_id":
			m.CausationID = string(value)
		case "actor_id":
			m.ActorID = string(value)
		case "guild_id":
			m.GuildID = string(value)
		case "event_id":
			m.EventID = string(value)
		default:
			return false
		}
		switch {
		case len(r) == 0:
			rest = r
		case r[0] == ',' && len(r) > 1:
			rest = r[1:]
		default:
			return false
		}
	}
	return true
}

// jsonPlainString reads a JSON string at the start of b that needs no
// unescaping (no backslash, no control character, valid UTF-8) and returns
// its contents and what follows.
func jsonPlainString(b []byte) (s, rest []byte, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return nil, nil, false
	}
	end := bytes.IndexByte(b[1:], '"')
	if end < 0 {
		return nil, nil, false
	}
	s = b[1 : 1+end]
	ascii := true
	for _, c := range s {
		if c < 0x20 || c == '\\' {
			return nil, nil, false
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	if !ascii && !utf8.Valid(s) {
		return nil, nil, false // encoding/json replaces invalid bytes
	}
	return s, b[2+end:], true
}
