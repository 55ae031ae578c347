package eventstore_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	es "github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

func TestEvents_JSONRoundTrip(t *testing.T) {
	// Odd values on purpose: nanoseconds and zones (normalized away),
	// floats that binary cannot hold exactly, nil pointers and maps.
	odd := time.Date(2026, 2, 3, 4, 5, 6, 789123456, time.FixedZone("x", -7*3600))
	for _, e := range append(validEvents(), oddEvents(odd)...) {
		t.Run(e.EventType(), func(t *testing.T) {
			got := roundTrip(t, e)
			if diff := cmp.Diff(e, got, eventOpts, atMicroseconds); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			if err := got.(es.Validator).Validate(now); err != nil {
				t.Errorf("Validate after round trip: %v", err)
			}
		})
	}
}

func TestEvents_JSONRoundTripExact(t *testing.T) {
	// Times already in UTC at whole microseconds come back identical.
	for _, e := range validEvents() {
		got := roundTrip(t, e)
		if diff := cmp.Diff(e, got, eventOpts, cmp.Comparer(func(a, b time.Time) bool { return a == b })); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", e.EventType(), diff)
		}
	}
}

// atMicroseconds compares times as they are stored.
var atMicroseconds = cmp.Comparer(func(a, b time.Time) bool { return es.NormalizeTime(a) == es.NormalizeTime(b) })

func TestEvents_JSONDeterministic(t *testing.T) {
	for _, e := range validEvents() {
		first, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		// Re-encoding a decoded copy (new maps, new iteration order) gives
		// the same bytes.
		for range 20 {
			again, err := json.Marshal(roundTrip(t, e))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, again) {
				t.Fatalf("%s: encodings differ:\n%s\n%s", e.EventType(), first, again)
			}
		}
	}
}

func TestEvents_JSONMetadataNotInData(t *testing.T) {
	for _, e := range validEvents() {
		b, err := es.NewJSONSerializer(nil).Serialize(e)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("metadata")) || bytes.Contains(b, []byte("corr-1")) {
			t.Errorf("%s data holds its metadata: %s", e.EventType(), b)
		}
	}
}

func TestEvents_JSONGolden(t *testing.T) {
	b, err := json.Marshal(validGuessProcessed())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"game_id":"game-1","guild_id":"guild-1","mode":"two_player","round_number":1,"timestamp":"2026-03-04T04:56:07.891234Z",` +
		`"team_id":"t1","player1_id":"p1","player2_id":"p2","player1_word":"apple","player2_word":"apple","guess_successful":true,` +
		`"match_score":4,"guess_count":2,"round_guess_count":3,"total_guesses":9,"guess_duration":1500,"player1_duration":1500,"player2_duration":900}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("json (-want +got):\n%s", diff)
	}
}

func TestEvents_JSONNumbers(t *testing.T) {
	// Integers stay integers: a fraction in an int field is an error, and a
	// float64 keeps its value exactly.
	var gp es.GuessProcessed
	if err := json.Unmarshal([]byte(`{"guess_count":1.5}`), &gp); err == nil {
		t.Error("guess_count 1.5 decoded without error")
	}
	rs := validRoundStarted()
	for _, f := range []float64{0.1, 2.5, 1.0 / 3, 1e-300, 123456789.123456789} {
		st := rs.TeamStates["t1"]
		st.AverageGuesses = f
		rs.TeamStates["t1"] = st
		got := roundTrip(t, rs).(*es.RoundStarted).TeamStates["t1"].AverageGuesses
		if got != f {
			t.Errorf("average_guesses %v came back as %v", f, got)
		}
	}
	b, _ := json.Marshal(validRoundStarted())
	if !strings.Contains(string(b), `"average_guesses":2.5`) || !strings.Contains(string(b), `"remaining_guesses":7`) {
		t.Errorf("numbers not kept: %s", b)
	}
}

func TestEvents_JSONNilAndEmpty(t *testing.T) {
	// Nil and empty collections may encode differently but validate alike
	// (see TestValidate_*); nil pointers stay nil.
	ga := validGuessAbandoned()
	ga.LastGuess, ga.GuessDuration = nil, nil
	got := roundTrip(t, ga).(*es.GuessAbandoned)
	if got.LastGuess != nil || got.GuessDuration != nil {
		t.Errorf("nil pointers came back as %+v, %v", got.LastGuess, got.GuessDuration)
	}
	rx := validRaceModeTimeExpired()
	if roundTrip(t, rx).(*es.RaceModeTimeExpired).FinalMatches["t2"].LastMatchTimestamp != nil {
		t.Error("nil last_match_timestamp came back set")
	}
}

// oddEvents returns events with unusual but valid values.
func oddEvents(ts time.Time) []es.Event {
	gp := validGuessProcessed()
	gp.Timestamp = ts
	gp.GuessSuccessful, gp.MatchScore = false, nil
	ga := validGuessAbandoned()
	ga.LastGuess, ga.GuessDuration = nil, nil
	ga.Timestamp = ts
	rs := validRoundStarted()
	rs.TeamStates["t1"] = es.TeamState{TeamID: "t1", AverageGuesses: 0.1, ActivePlayers: set("b", "a")}
	gc := validGameCompleted()
	gc.Winners = nil
	gc.FinalScores["t1"] = es.TeamScore{AverageGuesses: 2.5, PlayerStats: map[string]es.PlayerStats{"p1": {AverageGuessCount: 1e-7}}}
	gc.FinishedAt = ts
	gc.Timestamp = ts
	rx := validRaceModeTimeExpired()
	rx.FinalMatches["t1"] = es.TeamMatches{AverageGuesses: 1.0 / 3, LastMatchTimestamp: &ts}
	gs := validTwoPlayerStarted()
	gs.Config = es.GameConfig{}
	gs.StartedAt = ts
	return []es.Event{gp, ga, rs, gc, rx, gs}
}

func TestTimeJSON_NestedAndNullable(t *testing.T) {
	// Every time of an event, nested and nullable ones included, uses the
	// one layout.
	ts := time.Date(2026, 1, 2, 3, 4, 5, 7, time.FixedZone("x", 3600))
	e := validRaceModeTimeExpired()
	e.Timestamp = ts
	e.FinalMatches["t1"] = es.TeamMatches{LastMatchTimestamp: &ts}
	e.FinalMatches["t2"] = es.TeamMatches{}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"game_id":"game-1","guild_id":"guild-1","mode":"race","round_number":1,"timestamp":"2026-01-02T02:04:05.000000Z",` +
		`"final_matches":{"t1":{"matches":0,"total_guesses":0,"average_guesses":0,"player_stats":null,"last_match_timestamp":"2026-01-02T02:04:05.000000Z"},` +
		`"t2":{"matches":0,"total_guesses":0,"average_guesses":0,"player_stats":null,"last_match_timestamp":null}},"game_duration":180}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("json (-want +got):\n%s", diff)
	}
}

func TestTimeJSON_Malformed(t *testing.T) {
	for _, in := range []string{
		`{"timestamp":"yesterday"}`,
		`{"timestamp":12}`,
		`{"started_at":"2026-01-02T03:04:05"}`,
		`{"timestamp":"10000-01-01T00:00:00Z"}`,
	} {
		var e es.GameStarted
		if err := json.Unmarshal([]byte(in), &e); err == nil {
			t.Errorf("Unmarshal(%s) succeeded, want an error", in)
		}
	}
}
