package eventstore_test

import (
	"encoding/json"
	"errors"
	"sync"
	"testing"

	es "github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

// A test event type at three schema versions: v2 adds count, v3 renames
// name to full_name and adds tag.
type (
	testV1 struct {
		Name string `json:"name"`
	}
	testV2 struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	testV3 struct {
		FullName string `json:"full_name"`
		Count    int    `json:"count"`
		Tag      string `json:"tag"`
	}
)

func (*testV1) EventType() string { return "test_event" }
func (*testV2) EventType() string { return "test_event" }
func (*testV3) EventType() string { return "test_event" }
func (*testV1) EventVersion() int { return 1 }
func (*testV2) EventVersion() int { return 2 }
func (*testV3) EventVersion() int { return 3 }

// valueEvent implements Event on its value: not registrable.
type valueEvent struct{}

func (valueEvent) EventType() string { return "value_event" }
func (valueEvent) EventVersion() int { return 1 }

type versionEvent struct{ v int }

func (*versionEvent) EventType() string   { return "version_event" }
func (e *versionEvent) EventVersion() int { return e.v }

// migration returns a MigrationFunc that rewrites the JSON object with f
// and counts its calls.
func migration(calls *int, f func(map[string]any)) es.MigrationFunc {
	return func(data []byte) ([]byte, error) {
		*calls++
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, err
		}
		f(m)
		return json.Marshal(m)
	}
}

type migrationCalls struct{ m12, m23, m13 int }

// testRegistry registers the three versions and the migrations 1→2, 2→3
// and 1→3.
func testRegistry(t *testing.T, calls *migrationCalls) *es.Registry {
	t.Helper()
	r := es.NewRegistry()
	for _, f := range []func() es.Event{
		func() es.Event { return new(testV1) },
		func() es.Event { return new(testV2) },
		func() es.Event { return new(testV3) },
	} {
		if err := r.Register(f); err != nil {
			t.Fatal(err)
		}
	}
	rename := func(tag string) func(map[string]any) {
		return func(m map[string]any) {
			m["full_name"], m["tag"] = m["name"], tag
			delete(m, "name")
		}
	}
	for _, m := range []struct {
		from, to int
		fn       es.MigrationFunc
	}{
		{1, 2, migration(&calls.m12, func(m map[string]any) { m["count"] = 1 })},
		{2, 3, migration(&calls.m23, rename("via 2"))},
		{1, 3, migration(&calls.m13, func(m map[string]any) { rename("direct")(m); m["count"] = 1 })},
	} {
		if err := r.RegisterMigration("test_event", m.from, m.to, m.fn); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func TestRegistry_ShortestPath(t *testing.T) {
	var calls migrationCalls
	s := es.NewJSONSerializer(testRegistry(t, &calls))
	for range 2 { // the second time from the memoised path
		got, err := s.Deserialize("test_event", 1, []byte(`{"name":"ada"}`))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&testV3{FullName: "ada", Count: 1, Tag: "direct"}, got); diff != "" {
			t.Errorf("Deserialize v1 (-want +got):\n%s", diff)
		}
	}
	if diff := cmp.Diff(migrationCalls{m13: 2}, calls, cmp.AllowUnexported(migrationCalls{})); diff != "" {
		t.Errorf("migration calls (-want +got):\n%s", diff)
	}

	calls = migrationCalls{}
	got, err := s.Deserialize("test_event", 2, []byte(`{"name":"bob","count":7}`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&testV3{FullName: "bob", Count: 7, Tag: "via 2"}, got); diff != "" {
		t.Errorf("Deserialize v2 (-want +got):\n%s", diff)
	}
	if calls != (migrationCalls{m23: 1}) {
		t.Errorf("calls = %+v, want one 2→3", calls)
	}

	calls = migrationCalls{}
	got, err = s.Deserialize("test_event", 3, []byte(`{"full_name":"cy"}`))
	if err != nil || got.(*testV3).FullName != "cy" || calls != (migrationCalls{}) {
		t.Errorf("Deserialize v3 = %+v, %v, calls %+v; want no migration", got, err, calls)
	}
}

func TestRegistry_Upcast(t *testing.T) {
	var calls migrationCalls
	r := testRegistry(t, &calls)
	data, v, err := r.Upcast("test_event", 2, []byte(`{"name":"x","count":2}`))
	if err != nil || v != 3 {
		t.Fatalf("Upcast = %s, %d, %v", data, v, err)
	}
	if want := `{"count":2,"full_name":"x","tag":"via 2"}`; string(data) != want {
		t.Errorf("data = %s, want %s", data, want)
	}
}

func TestRegistry_DecodeErrors(t *testing.T) {
	boom := errors.New("boom")
	var calls migrationCalls
	failing := testRegistry(t, &calls)
	failing.Register(func() es.Event { return &versionEvent{v: 1} })
	failing.Register(func() es.Event { return &versionEvent{v: 2} })
	failing.RegisterMigration("version_event", 1, 2, func([]byte) ([]byte, error) { return nil, boom })

	noPath := es.NewRegistry()
	noPath.Register(func() es.Event { return new(testV1) })
	noPath.Register(func() es.Event { return new(testV3) })
	noPath.RegisterMigration("test_event", 1, 2, func(b []byte) ([]byte, error) { return b, nil })

	for _, tt := range []struct {
		name      string
		r         *es.Registry
		eventType string
		version   int
		data      string
		wantErr   error
	}{
		{"no migration path", noPath, "test_event", 1, `{}`, es.ErrNoMigrationPath},
		{"failing migration", failing, "version_event", 1, `{}`, es.ErrDeserializationFailed},
		{"failing migration wraps its cause", failing, "version_event", 1, `{}`, boom},
		{"newer stored version", failing, "test_event", 4, `{}`, es.ErrDeserializationFailed},
		{"version zero", failing, "test_event", 0, `{}`, es.ErrDeserializationFailed},
		{"unknown type", failing, "nope", 1, `{}`, es.ErrInvalidEventType},
		{"empty type", failing, "", 1, `{}`, es.ErrInvalidEventType},
		{"malformed data", failing, "test_event", 3, `{"count":"x"}`, es.ErrDeserializationFailed},
		{"malformed data before migration", failing, "test_event", 1, `[`, es.ErrDeserializationFailed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := es.NewJSONSerializer(tt.r).Deserialize(tt.eventType, tt.version, []byte(tt.data))
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Deserialize() = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestRegistry_NewMigrationOpensAPath(t *testing.T) {
	r := es.NewRegistry()
	r.Register(func() es.Event { return new(testV1) })
	r.Register(func() es.Event { return new(testV2) })
	if _, _, err := r.Upcast("test_event", 1, []byte(`{}`)); !errors.Is(err, es.ErrNoMigrationPath) {
		t.Fatalf("Upcast before migration = %v", err)
	}
	r.RegisterMigration("test_event", 1, 2, func(b []byte) ([]byte, error) { return b, nil })
	if _, v, err := r.Upcast("test_event", 1, []byte(`{}`)); err != nil || v != 2 {
		t.Fatalf("Upcast after migration = %d, %v", v, err)
	}
	// A newer version makes 2 the start of a path that does not exist yet.
	r.Register(func() es.Event { return new(testV3) })
	if _, _, err := r.Upcast("test_event", 1, []byte(`{}`)); !errors.Is(err, es.ErrNoMigrationPath) {
		t.Fatalf("Upcast after v3 = %v, want ErrNoMigrationPath", err)
	}
}

func TestRegistry_Register(t *testing.T) {
	r := es.NewRegistry()
	if err := r.Register(func() es.Event { return new(testV1) }); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		f    func() es.Event
	}{
		{"nil constructor", nil},
		{"nil event", func() es.Event { return nil }},
		{"not a pointer", func() es.Event { return valueEvent{} }},
		{"version zero", func() es.Event { return &versionEvent{v: 0} }},
		{"twice", func() es.Event { return new(testV1) }},
	} {
		if err := r.Register(tt.f); !errors.Is(err, es.ErrInvalidEventType) {
			t.Errorf("%s: Register() = %v, want ErrInvalidEventType", tt.name, err)
		}
	}
}

func TestRegistry_RegisterMigration(t *testing.T) {
	var calls migrationCalls
	r := testRegistry(t, &calls)
	id := func(b []byte) ([]byte, error) { return b, nil }
	for _, tt := range []struct {
		name      string
		eventType string
		from, to  int
		fn        es.MigrationFunc
	}{
		{"unknown type", "nope", 1, 2, id},
		{"from equals to", "test_event", 2, 2, id},
		{"from above to", "test_event", 3, 2, id},
		{"from zero", "test_event", 0, 2, id},
		{"nil function", "test_event", 1, 2, nil},
		{"duplicate edge", "test_event", 1, 3, id},
	} {
		if err := r.RegisterMigration(tt.eventType, tt.from, tt.to, tt.fn); !errors.Is(err, es.ErrNoMigrationPath) {
			t.Errorf("%s: RegisterMigration() = %v, want ErrNoMigrationPath", tt.name, err)
		}
	}
}

func TestRegistry_ConcurrentUse(t *testing.T) {
	r := es.NewRegistry()
	r.Register(func() es.Event { return new(testV1) })
	r.Register(func() es.Event { return new(testV2) })
	r.RegisterMigration("test_event", 1, 2, func(b []byte) ([]byte, error) { return b, nil })
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				// Before v3 is registered the path leads to 2; after, there
				// is none.
				_, v, err := r.Upcast("test_event", 1, []byte(`{}`))
				if !(err == nil && v == 2) && !errors.Is(err, es.ErrNoMigrationPath) {
					t.Errorf("Upcast = %d, %v", v, err)
					return
				}
			}
		})
	}
	wg.Go(func() { r.Register(func() es.Event { return new(testV3) }) })
	wg.Wait()
}

func TestJSONSerializer_Serialize(t *testing.T) {
	s := es.NewJSONSerializer(nil)
	for _, tt := range []struct {
		name    string
		e       es.Event
		wantErr error
	}{
		{"nil", nil, es.ErrInvalidEventType},
		{"typed nil", (*es.GameStarted)(nil), es.ErrInvalidEventType},
		{"unregistered", new(testV1), es.ErrInvalidEventType},
		{"unencodable", func() es.Event {
			e := validGameCompleted()
			e.FinalScores["t1"] = es.TeamScore{AverageGuesses: posInf}
			return e
		}(), es.ErrSerializationFailed},
	} {
		if _, err := s.Serialize(tt.e); !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: Serialize() = %v, want %v", tt.name, err, tt.wantErr)
		}
	}
}
