package eventstore_test

import (
	"encoding/json"
	"testing"

	es "github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"
)

func TestNewEventID(t *testing.T) {
	a, b := es.NewEventID(), es.NewEventID()
	for _, id := range []string{a, b} {
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 7 {
			t.Errorf("NewEventID() = %q (%v), want a UUID v7", id, err)
		}
	}
	if a == b {
		t.Error("two ids are equal")
	}
}

func TestNewMetadata(t *testing.T) {
	m := es.NewMetadata("msg-1", "guild-1", "user-1")
	want := es.Metadata{SourceID: "msg-1", GuildID: "guild-1", ActorID: "user-1"}
	if diff := cmp.Diff(want, m, cmpopts.IgnoreFields(es.Metadata{}, "CorrelationID")); diff != "" {
		t.Errorf("NewMetadata (-want +got):\n%s", diff)
	}
	if u, err := uuid.Parse(m.CorrelationID); err != nil || u.Version() != 7 {
		t.Errorf("correlation id %q is not a UUID v7", m.CorrelationID)
	}
	if es.NewMetadata("a", "", "").CorrelationID == m.CorrelationID {
		t.Error("two chains share a correlation id")
	}
}

func TestMetadata_FollowUp(t *testing.T) {
	parent := es.Metadata{
		SourceID: "msg-1", CorrelationID: "corr", CausationID: "older", ActorID: "user-1",
		GuildID: "guild-1", EventID: "event-1", Extra: map[string]string{"k": "v"},
	}
	for _, tt := range []struct {
		name   string
		parent es.Metadata
		want   es.Metadata
	}{
		{"caused by the parent event", parent,
			es.Metadata{SourceID: "msg-2", CorrelationID: "corr", CausationID: "event-1", ActorID: "user-1", GuildID: "guild-1"}},
		{"parent without event id", func() es.Metadata { p := parent; p.EventID = ""; return p }(),
			es.Metadata{SourceID: "msg-2", CorrelationID: "corr", CausationID: "msg-1", ActorID: "user-1", GuildID: "guild-1"}},
		{"zero parent", es.Metadata{}, es.Metadata{SourceID: "msg-2"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.parent.FollowUp("msg-2")); diff != "" {
				t.Errorf("FollowUp (-want +got):\n%s", diff)
			}
		})
	}
	if parent.EventID != "event-1" || parent.Extra["k"] != "v" {
		t.Error("FollowUp changed its receiver")
	}
}

func TestMetadata_JSON(t *testing.T) {
	m := es.Metadata{SourceID: "s", CorrelationID: "c"}
	b, err := json.Marshal(m)
	if err != nil || string(b) != `{"source_id":"s","correlation_id":"c"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	m.Extra = map[string]string{"z": "1", "a": "2"}
	b, _ = json.Marshal(m)
	if string(b) != `{"source_id":"s","correlation_id":"c","extra":{"a":"2","z":"1"}}` {
		t.Errorf("Marshal = %s", b)
	}
}
