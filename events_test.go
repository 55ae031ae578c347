package eventstore_test

import (
	"testing"

	es "github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

func TestDefaultRegistry_GameEvents(t *testing.T) {
	r := es.DefaultRegistry()
	want := []string{
		"game_completed", "game_started", "guess_abandoned", "guess_processed",
		"knockout_round_completed", "race_mode_time_expired", "round_started", "team_eliminated",
	}
	if diff := cmp.Diff(want, r.Types()); diff != "" {
		t.Errorf("Types() (-want +got):\n%s", diff)
	}
	for _, e := range validEvents() {
		if v, ok := r.CurrentVersion(e.EventType()); !ok || v != 1 {
			t.Errorf("CurrentVersion(%s) = %d, %v; want 1, true", e.EventType(), v, ok)
		}
		var _ es.MetadataCarrier = e.(es.MetadataCarrier)
		if g := e.(es.GuildScoped).EventGuildID(); g != "guild-1" {
			t.Errorf("%s EventGuildID() = %q", e.EventType(), g)
		}
	}
}

func TestBase_EventMetadata(t *testing.T) {
	e := validGuessProcessed()
	e.EventMetadata().EventID = "id-1"
	if e.Metadata.EventID != "id-1" {
		t.Error("EventMetadata does not point into the event")
	}
}

func TestGameConfig_WithDefaults(t *testing.T) {
	for _, tt := range []struct {
		mode es.Mode
		in   es.GameConfig
		want es.GameConfig
	}{
		{es.ModeTwoPlayer, es.GameConfig{}, es.GameConfig{RoundsRequired: 5, SuccessThreshold: 4}},
		{es.ModeTwoPlayer, es.GameConfig{RoundsRequired: 3}, es.GameConfig{RoundsRequired: 3, SuccessThreshold: 4}},
		{es.ModeKnockout, es.GameConfig{}, es.GameConfig{RoundDurationSeconds: 300, EliminationGuessLimit: 12}},
		{es.ModeRace, es.GameConfig{TimeLimit: 60, RoundsRequired: 2}, es.GameConfig{TimeLimit: 60, RoundsRequired: 2}},
		{es.ModeRace, es.GameConfig{}, es.GameConfig{TimeLimit: 180}},
		{"bogus", es.GameConfig{}, es.GameConfig{}},
	} {
		if diff := cmp.Diff(tt.want, tt.in.WithDefaults(tt.mode)); diff != "" {
			t.Errorf("%s: WithDefaults (-want +got):\n%s", tt.mode, diff)
		}
	}
}

func TestEnums_Valid(t *testing.T) {
	for _, m := range []es.Mode{es.ModeTwoPlayer, es.ModeKnockout, es.ModeRace} {
		if !m.Valid() {
			t.Errorf("%q not valid", m)
		}
	}
	if es.Mode("Race").Valid() || es.AbandonReason("quit").Valid() || es.EliminationReason("").Valid() {
		t.Error("an unknown value is valid")
	}
}
