package eventstore

import (
	"fmt"
	"reflect"
	"sort"
	"sync"
)

// MigrationFunc upcasts the encoded data of one event from one schema
// version to a later one. It must not keep data.
type MigrationFunc func(data []byte) ([]byte, error)

// Registry maps event types and schema versions to Go types and holds the
// migrations between schema versions. On decode, data stored with an older
// version is upcast along the shortest path of migrations (fewest steps;
// edges may skip versions) to the newest registered version of its type.
//
// A Registry is safe for concurrent use. Register everything before the
// store that uses it is opened: registration is meant for program start.
type Registry struct {
	mu    sync.RWMutex
	types map[string]*registeredType
}

type registeredType struct {
	current  int                           // the newest registered version
	newEvent map[int]func() Event          // by schema version
	edges    map[int]map[int]MigrationFunc // from → to → migration
	paths    map[int][]int                 // memoised shortest paths to current
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{types: make(map[string]*registeredType)}
}

// DefaultRegistry returns a new registry holding the eight GameBot events at
// their current schema versions. Callers may register more types on it.
func DefaultRegistry() *Registry {
	r := NewRegistry()
	for _, f := range gameEventFactories() {
		if err := r.Register(f); err != nil {
			panic(err) // a bug in this package, caught by every test
		}
	}
	return r
}

// Register adds an event type at the schema version its events report.
// newEvent must return a new pointer to a zero event each call; decoding
// fills it. The newest version registered for a type is its current
// version, the one decoded events are upcast to. Registering the same type
// and version twice, an empty type or a version below 1 is an error
// matching ErrInvalidEventType.
func (r *Registry) Register(newEvent func() Event) error {
	if newEvent == nil {
		return fmt.Errorf("%w: nil constructor", ErrInvalidEventType)
	}
	sample := newEvent()
	if sample == nil || reflect.ValueOf(sample).Kind() != reflect.Pointer {
		return fmt.Errorf("%w: constructor must return a pointer", ErrInvalidEventType)
	}
	typ, version := sample.EventType(), sample.EventVersion()
	if typ == "" {
		return fmt.Errorf("%w: empty event type", ErrInvalidEventType)
	}
	if version < 1 {
		return fmt.Errorf("%w: %s version %d: versions start at 1", ErrInvalidEventType, typ, version)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.types[typ]
	if t == nil {
		t = &registeredType{newEvent: make(map[int]func() Event), edges: make(map[int]map[int]MigrationFunc)}
		r.types[typ] = t
	}
	if _, dup := t.newEvent[version]; dup {
		return fmt.Errorf("%w: %s version %d registered twice", ErrInvalidEventType, typ, version)
	}
	t.newEvent[version] = newEvent
	t.current = max(t.current, version)
	t.paths = nil
	return nil
}

// RegisterMigration adds the migration of eventType from one schema version
// to a later one. The type must be registered; from must be at least 1 and
// below to; each (from, to) edge may be registered once. Errors match
// ErrNoMigrationPath.
func (r *Registry) RegisterMigration(eventType string, from, to int, fn MigrationFunc) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.types[eventType]
	switch {
	case t == nil:
		return fmt.Errorf("%w: migration for unknown event type %q", ErrNoMigrationPath, eventType)
	case fn == nil:
		return fmt.Errorf("%w: %s %d→%d: nil migration", ErrNoMigrationPath, eventType, from, to)
	case from < 1 || from >= to:
		return fmt.Errorf("%w: %s %d→%d: a migration must go from a version ≥ 1 to a later one", ErrNoMigrationPath, eventType, from, to)
	}
	if t.edges[from] == nil {
		t.edges[from] = make(map[int]MigrationFunc)
	}
	if _, dup := t.edges[from][to]; dup {
		return fmt.Errorf("%w: %s %d→%d registered twice", ErrNoMigrationPath, eventType, from, to)
	}
	t.edges[from][to] = fn
	t.paths = nil
	return nil
}

// CurrentVersion returns the newest registered schema version of eventType,
// and false when the type is not registered.
func (r *Registry) CurrentVersion(eventType string) (int, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t := r.types[eventType]
	if t == nil {
		return 0, false
	}
	return t.current, true
}

// Types returns the registered event types, sorted.
func (r *Registry) Types() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.types))
	for name := range r.types {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// New returns a new zero event of eventType at version, or an error
// matching ErrInvalidEventType when none is registered.
func (r *Registry) New(eventType string, version int) (Event, error) {
	r.mu.RLock()
	t := r.types[eventType]
	var f func() Event
	if t != nil {
		f = t.newEvent[version]
	}
	r.mu.RUnlock()
	if f == nil {
		if t == nil {
			return nil, fmt.Errorf("%w: %q is not registered", ErrInvalidEventType, eventType)
		}
		return nil, fmt.Errorf("%w: %s version %d is not registered", ErrInvalidEventType, eventType, version)
	}
	return f(), nil
}

// Upcast migrates data of eventType stored at version to the type's current
// version and returns the new data and version. Data already current is
// returned as is. Errors: ErrInvalidEventType for an unknown type,
// ErrDeserializationFailed for a version newer than the current one or a
// failing migration (wrapping its error), ErrNoMigrationPath when no chain of
// migrations leads to the current version.
func (r *Registry) Upcast(eventType string, version int, data []byte) ([]byte, int, error) {
	path, current, err := r.path(eventType, version)
	if err != nil {
		return nil, 0, err
	}
	for i := 1; i < len(path); i++ {
		from, to := path[i-1], path[i]
		r.mu.RLock()
		fn := r.types[eventType].edges[from][to]
		r.mu.RUnlock()
		if data, err = fn(data); err != nil {
			return nil, 0, fmt.Errorf("%w: %s migration %d→%d: %w", ErrDeserializationFailed, eventType, from, to, err)
		}
	}
	return data, current, nil
}

// path returns the versions visited from version to the current one, the
// first being version itself; nil when version is the current one, the
// common case on every read, which then costs no allocation.
func (r *Registry) path(eventType string, version int) ([]int, int, error) {
	r.mu.RLock()
	p, current, done, err := r.lookupPath(eventType, version, false)
	r.mu.RUnlock()
	if done {
		return p, current, err
	}
	// Search under the write lock, deciding again from the state held now:
	// a registration between the two locks may have moved the current
	// version, and a path memoised towards the old one would be wrong.
	r.mu.Lock()
	defer r.mu.Unlock()
	p, current, _, err = r.lookupPath(eventType, version, true)
	return p, current, err
}

// lookupPath does the work of path with r.mu held. Without search it
// reports done=false when a path would have to be searched; with search
// (r.mu held for writing) it searches and memoises the result.
func (r *Registry) lookupPath(eventType string, version int, search bool) (p []int, current int, done bool, err error) {
	t := r.types[eventType]
	if t == nil {
		return nil, 0, true, fmt.Errorf("%w: %q is not registered", ErrInvalidEventType, eventType)
	}
	current = t.current
	switch {
	case version == current:
		return nil, current, true, nil
	case version > current:
		return nil, 0, true, fmt.Errorf("%w: %s version %d is newer than the registered version %d",
			ErrDeserializationFailed, eventType, version, current)
	case version < 1:
		return nil, 0, true, fmt.Errorf("%w: %s version %d", ErrDeserializationFailed, eventType, version)
	}
	if p, ok := t.paths[version]; ok {
		return p, current, true, nil
	}
	if !search {
		return nil, 0, false, nil
	}
	p = shortestPath(t.edges, version, current)
	if p == nil {
		return nil, 0, true, fmt.Errorf("%w: %s from version %d to %d", ErrNoMigrationPath, eventType, version, current)
	}
	if t.paths == nil {
		t.paths = make(map[int][]int)
	}
	t.paths[version] = p
	return p, current, true, nil
}

// shortestPath runs a breadth-first search over the migration edges and
// returns the fewest-step path from → to, or nil. Among equally short paths
// it prefers the lower intermediate versions, so the choice is stable.
func shortestPath(edges map[int]map[int]MigrationFunc, from, to int) []int {
	prev := map[int]int{from: from}
	queue := []int{from}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		if v == to {
			path := []int{to}
			for v != from {
				v = prev[v]
				path = append([]int{v}, path...)
			}
			return path
		}
		next := make([]int, 0, len(edges[v]))
		for w := range edges[v] {
			next = append(next, w)
		}
		sort.Ints(next)
		for _, w := range next {
			if _, seen := prev[w]; !seen {
				prev[w] = v
				queue = append(queue, w)
			}
		}
	}
	return nil
}
