package eventstore_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	es "github.com/gamebot/eventstore"
	"github.com/gamebot/eventstore/internal/gamesim"
	"github.com/google/go-cmp/cmp"
)

// The recovery tests fold the game streams of testdata/streams (and games
// of gamesim) stored in real store files. Golden files live under
// testdata/recover; go test -run TestRecoverGame -update rewrites them.

const recoverDir = "testdata/recover"

// gameStore opens a store with the GameBot events and a fixed clock later
// than every test game.
func gameStore(tb testing.TB) (*es.Store, string) {
	tb.Helper()
	return mustOpen(tb, &es.Options{Now: func() time.Time { return testClock }})
}

// loadStream reads a JSONL file of envelopes.
func loadStream(tb testing.TB, path string) []es.RecordedEvent {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := es.ReadJSONL(f, nil)
	if err != nil {
		tb.Fatalf("ReadJSONL(%s): %v", path, err)
	}
	return recs
}

// appendGame appends events to stream in batches an Append accepts.
func appendGame(tb testing.TB, s *es.Store, stream string, events []es.Event) {
	tb.Helper()
	for len(events) > 0 {
		n := min(len(events), es.DefaultMaxAppendBatch)
		mustAppend(tb, s, stream, es.Any, events[:n]...)
		events = events[n:]
	}
}

// storeStream appends the events of a JSONL stream file to a new store and
// returns the store, its file, the stream id and the recorded events.
func storeStream(tb testing.TB, path string) (*es.Store, string, string, []es.RecordedEvent) {
	tb.Helper()
	recs := loadStream(tb, path)
	s, file := gameStore(tb)
	events := make([]es.Event, len(recs))
	for i, r := range recs {
		events[i] = r.Event
	}
	appendGame(tb, s, recs[0].StreamID, events)
	return s, file, recs[0].StreamID, recs
}

// playGame appends a gamesim game to a new store.
func playGame(tb testing.TB, cfg gamesim.Config) (*es.Store, string, []es.Event) {
	tb.Helper()
	events, err := gamesim.Play(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	s, file := gameStore(tb)
	appendGame(tb, s, cfg.GameID, events)
	return s, file, events
}

// simConfig is a natural game of mode with seed.
func simConfig(mode es.Mode, seed uint64) gamesim.Config {
	return gamesim.Config{
		Seed: seed, Mode: mode, GuildID: "310215437126746112",
		GameID: fmt.Sprintf("game-%s-%d", mode, seed), Start: streamStart,
	}
}

// checkSensible compares a recovered state with what its events say.
func checkSensible(t *testing.T, g *es.GameState, events []es.Event) {
	t.Helper()
	var done *es.GameCompleted
	eliminated := es.NewSet[string]()
	for _, e := range events {
		switch e := e.(type) {
		case *es.GameCompleted:
			done = e
		case *es.TeamEliminated:
			eliminated.Add(e.TeamID)
		}
	}
	if done == nil {
		t.Fatal("the game has no game_completed")
	}
	if g.Status != es.GameStatusCompleted {
		t.Errorf("Status = %q, want %q", g.Status, es.GameStatusCompleted)
	}
	if got, want := g.Version, int64(len(events)); got != want || g.EventCount != len(events) {
		t.Errorf("Version, EventCount = %d, %d; want %d", got, g.EventCount, want)
	}
	if diff := cmp.Diff(done.Winners.Sorted(), g.Winners.Sorted()); diff != "" {
		t.Errorf("Winners differ from game_completed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(eliminated.Sorted(), g.EliminatedTeams.Sorted()); diff != "" {
		t.Errorf("EliminatedTeams differ from team_eliminated events (-want +got):\n%s", diff)
	}
	if g.Round != done.TotalRounds {
		t.Errorf("Round = %d, want total_rounds %d", g.Round, done.TotalRounds)
	}
	if !g.FinishedAt.Equal(done.FinishedAt) {
		t.Errorf("FinishedAt = %v, want %v", g.FinishedAt, done.FinishedAt)
	}
	for id, score := range done.FinalScores {
		p := g.Progress[id]
		if p == nil {
			t.Errorf("no progress for team %q", id)
			continue
		}
		if p.Score != score.Score || p.Matches != score.Matches || p.Guesses != score.TotalGuesses {
			t.Errorf("team %q: score, matches, guesses = %d, %d, %d; final_scores say %d, %d, %d",
				id, p.Score, p.Matches, p.Guesses, score.Score, score.Matches, score.TotalGuesses)
		}
	}
	if g.Mode == es.ModeRace && !g.TimeExpired {
		t.Error("TimeExpired = false in a race game")
	}
}

// renderState is the golden form of a state: indented, stable JSON.
func renderState(tb testing.TB, g *es.GameState) []byte {
	tb.Helper()
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return append(b, '\n')
}

func eventsOf(recs []es.RecordedEvent) []es.Event {
	out := make([]es.Event, len(recs))
	for i, r := range recs {
		out[i] = r.Event
	}
	return out
}

func TestRecoverGame_Golden(t *testing.T) {
	for _, mode := range []es.Mode{es.ModeTwoPlayer, es.ModeKnockout, es.ModeRace} {
		t.Run(string(mode), func(t *testing.T) {
			s, _, id, recs := storeStream(t, filepath.Join(streamsDir, string(mode)+".jsonl"))
			g, err := es.RecoverGame(context.Background(), s, id)
			if err != nil {
				t.Fatalf("RecoverGame: %v", err)
			}
			checkSensible(t, g, eventsOf(recs))
			checkGolden(t, filepath.Join(recoverDir, string(mode), "want.golden"), renderState(t, g))
		})
	}
}

// The rule each invalid stream of testdata/streams/invalid breaks.
var invalidRules = map[string]string{
	"causation_forward.jsonl":      es.RuleCausation,
	"event_after_completed.jsonl":  es.RuleGameEnd,
	"missing_game_started.jsonl":   es.RuleGameStarted,
	"round_goes_back.jsonl":        es.RuleRoundOrder,
	"team_after_elimination.jsonl": es.RuleEliminatedTeam,
	"undeclared_team.jsonl":        es.RuleDeclaredTeam,
	"wrong_guild.jsonl":            es.RuleSameGame,
}

// invalidWant reads testdata/streams/invalid/want.golden: the index of the
// offending event of each file, as gamesim.Check reports it.
func invalidWant(t *testing.T) map[string]int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(streamsDir, "invalid", "want.golden"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^invalid/(\S+): .*: event (\d+): `)
	want := make(map[string]int)
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		m := re.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("want.golden: unexpected line %q", sc.Text())
		}
		want[m[1]], _ = strconv.Atoi(m[2])
	}
	return want
}

func TestRecoverGame_InvalidStreams(t *testing.T) {
	want := invalidWant(t)
	if len(want) != len(invalidRules) {
		t.Fatalf("want.golden names %d streams, the test knows %d", len(want), len(invalidRules))
	}
	var out bytes.Buffer
	for _, file := range sortedNames(want) {
		index := want[file]
		s, _, id, _ := storeStream(t, filepath.Join(streamsDir, "invalid", file))
		g, err := es.RecoverGame(context.Background(), s, id)
		if g != nil {
			t.Errorf("%s: RecoverGame returned a state with error %v", file, err)
		}
		var re *es.RecoveryError
		if !errors.Is(err, es.ErrCorruptStream) || !errors.As(err, &re) {
			t.Errorf("%s: error %v, want a *RecoveryError matching ErrCorruptStream", file, err)
			continue
		}
		// gamesim counts events from 0, streams their versions from 1; the
		// streams were stored alone, so positions equal versions.
		wantVersion := int64(index + 1)
		if re.StreamID != id || re.Version != wantVersion || re.Position != wantVersion || re.Rule != invalidRules[file] {
			t.Errorf("%s: stream %q version %d position %d rule %q; want %q %d %d %q",
				file, re.StreamID, re.Version, re.Position, re.Rule, id, wantVersion, wantVersion, invalidRules[file])
		}
		fmt.Fprintf(&out, "%s: %v\n", file, err)
	}
	checkGolden(t, filepath.Join(recoverDir, "invalid", "want.golden"), out.Bytes())
}

func sortedNames(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// wantRecoveryError checks that err is a *RecoveryError at version and
// position breaking rule, and that its message names all three.
func wantRecoveryError(t *testing.T, err error, stream string, version, position int64, rule string) *es.RecoveryError {
	t.Helper()
	var re *es.RecoveryError
	if !errors.Is(err, es.ErrCorruptStream) || !errors.As(err, &re) {
		t.Fatalf("error %v, want a *RecoveryError matching ErrCorruptStream", err)
	}
	if re.StreamID != stream || re.Version != version || re.Position != position || re.Rule != rule {
		t.Fatalf("stream %q version %d position %d rule %q; want %q %d %d %q",
			re.StreamID, re.Version, re.Position, re.Rule, stream, version, position, rule)
	}
	msg := err.Error()
	for _, part := range []string{strconv.Quote(stream), fmt.Sprintf("version %d", version), fmt.Sprintf("position %d", position), rule} {
		if !strings.Contains(msg, part) {
			t.Errorf("message %q does not name %s", msg, part)
		}
	}
	return re
}

func TestRecoverGame_CorruptEvent(t *testing.T) {
	s, file, id, _ := storeStream(t, filepath.Join(streamsDir, "two_player.jsonl"))
	db := rawDB(t, file)
	// The trigger refuses updates of events; damaging one takes dropping it.
	for _, q := range []string{
		"DROP TRIGGER events_are_immutable",
		"UPDATE events SET data = x'7b6e6f74206a736f6e' WHERE stream_id = '" + id + "' AND version = 5",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	g, err := es.RecoverGame(context.Background(), s, id)
	if g != nil {
		t.Error("RecoverGame returned a state with its error")
	}
	wantRecoveryError(t, err, id, 5, 5, es.RuleDecodes)
	if !errors.Is(err, es.ErrDeserializationFailed) {
		t.Errorf("error %v does not match ErrDeserializationFailed", err)
	}
	var de *es.DecodeError
	if !errors.As(err, &de) || de.Version != 5 {
		t.Errorf("error %v does not carry the *DecodeError of version 5", err)
	}
}

func TestRecoverGame_OtherGuild(t *testing.T) {
	cfg := simConfig(es.ModeKnockout, 21)
	events, err := gamesim.Play(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A guess of another guild, otherwise valid.
	const at = 9
	b := baseOf(events[at])
	b.GuildID, b.Metadata.GuildID = "999999999999999999", "999999999999999999"
	s, _ := gameStore(t)
	appendGame(t, s, cfg.GameID, events)
	_, err = es.RecoverGame(context.Background(), s, cfg.GameID)
	re := wantRecoveryError(t, err, cfg.GameID, at+1, at+1, es.RuleSameGame)
	if !strings.Contains(re.Err.Error(), "999999999999999999") {
		t.Errorf("error %v does not name the other guild", err)
	}
}

func TestRecoverGame_MissingVersion(t *testing.T) {
	tests := []struct {
		name         string
		version      int64 // the event deleted
		wantVersion  int64
		wantPosition int64
	}{
		{"first", 1, 2, 2},
		{"middle", 10, 11, 11},
		// The last event has no successor: the stream's recorded version
		// tells that it is missing, and there is no position to name.
		{"last", 54, 54, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, file, id, recs := storeStream(t, filepath.Join(streamsDir, "two_player.jsonl"))
			if len(recs) != 54 {
				t.Fatalf("two_player.jsonl has %d events, the test expects 54", len(recs))
			}
			if _, err := rawDB(t, file).Exec("DELETE FROM events WHERE stream_id = ? AND version = ?", id, tt.version); err != nil {
				t.Fatal(err)
			}
			g, err := es.RecoverGame(context.Background(), s, id)
			if g != nil {
				t.Error("RecoverGame returned a state with its error")
			}
			re := wantRecoveryError(t, err, id, tt.wantVersion, tt.wantPosition, es.RuleContiguous)
			if !strings.Contains(re.Err.Error(), strconv.FormatInt(tt.version, 10)) {
				t.Errorf("error %v does not name the missing version %d", err, tt.version)
			}
		})
	}
}

func TestRecoverGame_Errors(t *testing.T) {
	ctx := context.Background()
	s, _ := gameStore(t)
	cfg := simConfig(es.ModeRace, 31)
	events, err := gamesim.Play(cfg)
	if err != nil {
		t.Fatal(err)
	}
	appendGame(t, s, "deleted", retarget(events, "deleted"))
	if err := s.DeleteStream(ctx, "deleted", es.Any, es.SoftDelete); err != nil {
		t.Fatal(err)
	}
	appendGame(t, s, "gone", retarget(events, "gone"))
	if err := s.DeleteStream(ctx, "gone", es.Any, es.HardDelete); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	appendGame(t, s, cfg.GameID, events)

	tests := []struct {
		name    string
		ctx     context.Context
		id      string
		wantErr error
	}{
		{"invalid id", ctx, "", es.ErrInvalidStreamID},
		{"reserved id", ctx, "$all", es.ErrInvalidStreamID},
		{"absent", ctx, "no-such-game", es.ErrStreamNotFound},
		{"hard-deleted", ctx, "gone", es.ErrStreamNotFound},
		{"soft-deleted", ctx, "deleted", es.ErrStreamDeleted},
		{"cancelled", cancelled, cfg.GameID, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := es.RecoverGame(tt.ctx, s, tt.id)
			if !errors.Is(err, tt.wantErr) || g != nil {
				t.Errorf("RecoverGame(%q) = %v, %v; want nil, %v", tt.id, g, err, tt.wantErr)
			}
		})
	}
	t.Run("closed", func(t *testing.T) {
		s, _ := gameStore(t)
		s.Close()
		if _, err := es.RecoverGame(ctx, s, "game-1"); !errors.Is(err, es.ErrConnection) {
			t.Errorf("RecoverGame on a closed store: %v, want ErrConnection", err)
		}
	})
}

// retarget returns copies of a game's events moved to the game id.
func retarget(events []es.Event, gameID string) []es.Event {
	out := make([]es.Event, len(events))
	for i, e := range events {
		c := roundTripCopy(e)
		b := baseOf(c)
		b.GameID = gameID
		b.Metadata.EventID = ""
		b.Metadata.CausationID = ""
		out[i] = c
	}
	return out
}

// roundTripCopy returns a deep copy of a GameBot event.
func roundTripCopy(e es.Event) es.Event {
	c, err := tryRoundTrip(e)
	if err != nil {
		panic(err)
	}
	return c
}

func TestRecoverGame_NotAGameEvent(t *testing.T) {
	reg := es.DefaultRegistry()
	if err := reg.Register(func() es.Event { return &note{} }); err != nil {
		t.Fatal(err)
	}
	s, _ := mustOpen(t, &es.Options{Serializer: es.NewJSONSerializer(reg), Now: func() time.Time { return testClock }})
	cfg := simConfig(es.ModeTwoPlayer, 41)
	events, err := gamesim.Play(cfg)
	if err != nil {
		t.Fatal(err)
	}
	appendGame(t, s, cfg.GameID, events[:3])
	mustAppend(t, s, cfg.GameID, es.Any, &note{Text: "hello"})
	_, err = es.RecoverGame(context.Background(), s, cfg.GameID)
	wantRecoveryError(t, err, cfg.GameID, 4, 4, es.RuleGameEvent)
}

func TestRecoverGame_Simulated(t *testing.T) {
	for _, mode := range []es.Mode{es.ModeTwoPlayer, es.ModeKnockout, es.ModeRace} {
		for seed := uint64(100); seed < 106; seed++ {
			t.Run(fmt.Sprintf("%s/%d", mode, seed), func(t *testing.T) {
				cfg := simConfig(mode, seed)
				s, _, events := playGame(t, cfg)
				g, err := es.RecoverGame(context.Background(), s, cfg.GameID)
				if err != nil {
					t.Fatalf("RecoverGame: %v", err)
				}
				checkSensible(t, g, events)
			})
		}
	}
}

func TestRecoverGame_LongStream(t *testing.T) {
	if testing.Short() {
		t.Skip("appends 10,000 events")
	}
	cfg := simConfig(es.ModeTwoPlayer, 51)
	cfg.Events = es.DefaultMaxStreamSize
	s, _, events := playGame(t, cfg)
	g, err := es.RecoverGame(context.Background(), s, cfg.GameID)
	if err != nil {
		t.Fatalf("RecoverGame: %v", err)
	}
	checkSensible(t, g, events)
	if g.Version != 10000 || g.Position != 10000 {
		t.Errorf("Version, Position = %d, %d; want 10000, 10000", g.Version, g.Position)
	}
}

// TestRecoverGameFrom_Property checks that resuming from a state folded up
// to any version k, kept as JSON as a snapshot would be, gives the state a
// recovery from scratch gives, and leaves the given state alone.
func TestRecoverGameFrom_Property(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	for _, mode := range []es.Mode{es.ModeTwoPlayer, es.ModeKnockout, es.ModeRace} {
		t.Run(string(mode), func(t *testing.T) {
			s, _, id, recs := storeStream(t, filepath.Join(streamsDir, string(mode)+".jsonl"))
			want, err := es.RecoverGame(ctx, s, id)
			if err != nil {
				t.Fatal(err)
			}
			stored, err := s.ReadStream(ctx, id, 1, len(recs))
			if err != nil {
				t.Fatal(err)
			}
			ks := []int{0, 1, len(stored)}
			for range 12 {
				ks = append(ks, rng.IntN(len(stored)+1))
			}
			for _, k := range ks {
				var state es.GameState
				for _, rec := range stored[:k] {
					if err := state.Apply(rec); err != nil {
						t.Fatalf("k=%d: Apply(version %d): %v", k, rec.Version, err)
					}
				}
				b, err := json.Marshal(&state)
				if err != nil {
					t.Fatal(err)
				}
				var snap es.GameState
				if err := json.Unmarshal(b, &snap); err != nil {
					t.Fatal(err)
				}
				before := snap.Clone()
				got, err := es.RecoverGameFrom(ctx, s, id, &snap)
				if err != nil {
					t.Fatalf("k=%d: RecoverGameFrom: %v", k, err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("k=%d: resumed state differs (-scratch +resumed):\n%s", k, diff)
				}
				if diff := cmp.Diff(before, &snap); diff != "" {
					t.Errorf("k=%d: RecoverGameFrom changed its state (-before +after):\n%s", k, diff)
				}
				if k == len(stored) && !bytes.Equal(b, mustJSON(t, got)) {
					t.Errorf("k=%d: JSON of the folded state differs from the recovered one", k)
				}
			}
		})
	}
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestRecoverGameFrom_StateOfAnotherStream(t *testing.T) {
	ctx := context.Background()
	s, _, id, recs := storeStream(t, filepath.Join(streamsDir, "race.jsonl"))
	full, err := es.RecoverGame(ctx, s, id)
	if err != nil {
		t.Fatal(err)
	}
	var partial es.GameState
	for _, rec := range recs[:10] {
		rec.Position = rec.Version // as stored in a fresh store
		if err := partial.Apply(rec); err != nil {
			t.Fatal(err)
		}
	}
	moved := partial.Clone()
	moved.Position = 999
	ahead := full.Clone()
	ahead.Version, ahead.Position = 80, 80

	tests := []struct {
		name  string
		id    string
		state *es.GameState
	}{
		{"another game", "another-game", &partial},
		{"another position", id, moved},
		{"ahead of the stream", id, ahead},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := es.RecoverGameFrom(ctx, s, tt.id, tt.state)
			if !errors.Is(err, es.ErrSnapshotNotFound) || g != nil {
				t.Errorf("RecoverGameFrom = %v, %v; want nil, ErrSnapshotNotFound", g, err)
			}
		})
	}
	t.Run("nil state", func(t *testing.T) {
		g, err := es.RecoverGameFrom(ctx, s, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(full, g); diff != "" {
			t.Errorf("(-RecoverGame +RecoverGameFrom nil):\n%s", diff)
		}
	})
}
