package eventstore

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
)

// Set is an unordered collection of distinct values, encoded in JSON as an
// array sorted in ascending order, so equal sets always give equal bytes.
// A nil Set is empty and encodes as []; decoding null gives a nil Set.
// Use it where the order of members means nothing (active players,
// winners). A Set is a map: not safe for concurrent writes.
type Set[T cmp.Ordered] map[T]struct{}

// NewSet returns a set holding items; duplicates collapse. With no items it
// returns an empty, non-nil set.
func NewSet[T cmp.Ordered](items ...T) Set[T] {
	s := make(Set[T], len(items))
	for _, v := range items {
		s[v] = struct{}{}
	}
	return s
}

// Add puts v into the set, making the set first when it is nil.
func (s *Set[T]) Add(v T) {
	if *s == nil {
		*s = make(Set[T])
	}
	(*s)[v] = struct{}{}
}

// Has reports whether v is in the set; a nil set has nothing.
func (s Set[T]) Has(v T) bool {
	_, ok := s[v]
	return ok
}

// Len returns the number of members; 0 for a nil set.
func (s Set[T]) Len() int { return len(s) }

// Sorted returns the members in ascending order, as a new slice (empty,
// non-nil for an empty set).
func (s Set[T]) Sorted() []T {
	out := slices.AppendSeq(make([]T, 0, len(s)), maps.Keys(s))
	slices.Sort(out)
	return out
}

// MarshalJSON encodes the set as a sorted JSON array.
func (s Set[T]) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.Sorted())
}

// UnmarshalJSON decodes a JSON array of members (in any order, duplicates
// collapsing) or null (giving a nil set). It replaces the set's contents.
func (s *Set[T]) UnmarshalJSON(b []byte) error {
	var members []T
	if err := json.Unmarshal(b, &members); err != nil {
		return err
	}
	if members == nil {
		*s = nil
		return nil
	}
	*s = NewSet(members...)
	return nil
}
