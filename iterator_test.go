package eventstore_test

import (
	"context"
	"testing"

	"github.com/gamebot/eventstore"
)

// The iterators read in batches of MaxReadBatch; each batch must start
// where the previous one ended.
func TestStore_Iterators_SpanBatches(t *testing.T) {
	ctx := context.Background()
	opts := testOptions(t)
	opts.MaxReadBatch = 4
	s, _ := mustOpen(t, opts)
	mustAppend(t, s, "a", eventstore.NoStream, notes("a", 4)...)
	mustAppend(t, s, "a", 4, notes("b", 4)...)
	mustAppend(t, s, "a", 8, notes("c", 2)...)

	var versions []int64
	for rec, err := range s.StreamEvents(ctx, "a", 0) {
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, rec.Version)
	}
	var positions []int64
	for rec, err := range s.AllEvents(ctx, 0, eventstore.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		positions = append(positions, rec.Position)
	}
	for name, got := range map[string][]int64{"StreamEvents versions": versions, "AllEvents positions": positions} {
		if len(got) != 10 {
			t.Errorf("%s = %v, want 1 to 10", name, got)
			continue
		}
		for i, v := range got {
			if v != int64(i+1) {
				t.Errorf("%s = %v, want 1 to 10", name, got)
				break
			}
		}
	}
}
