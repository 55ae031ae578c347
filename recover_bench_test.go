package eventstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
	"github.com/gamebot/eventstore/internal/gamesim"
)

// BenchmarkRecover measures recovery of a 10,000-event stream from scratch
// and from a snapshot ten events before its end (PERF.md, P7, with the
// generic tally state instead of a game).
func BenchmarkRecover(b *testing.B) {
	const n = 10000
	for _, snapshotAt := range []int64{0, n - 10} {
		b.Run(fmt.Sprintf("events=%d/snapshot=%d", n, snapshotAt), func(b *testing.B) {
			ctx := context.Background()
			s, err := eventstore.Open(filepath.Join(b.TempDir(), "bench.db"), testOptions(b))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			want := appendNotes(b, s, "g", n)
			r := &eventstore.Recoverer[tally]{Store: s, Apply: addNote, SchemaVersion: 1}
			if snapshotAt > 0 {
				var at tally
				for rec, err := range s.StreamEvents(ctx, "g", 1) {
					if err != nil {
						b.Fatal(err)
					}
					if rec.Version > snapshotAt {
						break
					}
					at, _ = addNote(at, rec)
				}
				if err := r.Save(ctx, "g", snapshotAt, at); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				got, err := r.Recover(ctx, "g")
				if err != nil || got.State != want {
					b.Fatalf("Recover = %+v, %v; want %+v", got.State, err, want)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "recoveries/s")
		})
	}
}

// BenchmarkSubscriptionCatchUp measures a subscription to $all catching up
// with a stored log, and samples the live heap while it does.
func BenchmarkSubscriptionCatchUp(b *testing.B) {
	const n = 100000
	s, err := eventstore.Open(filepath.Join(b.TempDir(), "bench.db"), &eventstore.Options{
		Serializer:  testOptions(b).Serializer,
		Synchronous: eventstore.SyncNormal,
	})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i := range n / 1000 {
		appendNotes(b, s, fmt.Sprintf("s-%d", i), 1000)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var peak uint64
	var ms runtime.MemStats
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		sub, err := s.Subscribe(ctx, eventstore.AllStreams, nil)
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			if _, err := sub.Next(ctx); err != nil {
				b.Fatalf("Next after %d events: %v", i, err)
			}
			if i%10000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		sub.Close()
		cancel()
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// BenchmarkRecoverGame measures RecoverGame of a simulated game from its
// first event and from a snapshot ten events before its end (PERF.md, P7
// with events=10000; the suite also keeps events=1000).
func BenchmarkRecoverGame(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, snapshot := range []bool{false, true} {
			name := fmt.Sprintf("events=%d/scratch", n)
			if snapshot {
				name = fmt.Sprintf("events=%d/snapshot", n)
			}
			b.Run(name, func(b *testing.B) {
				ctx := context.Background()
				events, err := gamesim.Play(gamesim.Config{Seed: 7, Mode: eventstore.ModeKnockout, GuildID: "42",
					GameID: "bench-game", Start: streamStart, Events: n})
				if err != nil {
					b.Fatal(err)
				}
				s, _ := mustOpen(b, &eventstore.Options{Now: func() time.Time { return testClock }})
				split := len(events)
				if snapshot {
					split -= 10
				}
				appendGame(b, s, "bench-game", events[:split])
				if snapshot {
					g, err := eventstore.RecoverGameFrom(ctx, s, "bench-game", nil)
					if err != nil {
						b.Fatal(err)
					}
					if err := eventstore.SaveGameSnapshot(ctx, s, g); err != nil {
						b.Fatal(err)
					}
				}
				appendGame(b, s, "bench-game", events[split:])
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					g, err := eventstore.RecoverGame(ctx, s, "bench-game")
					if err != nil || g.Version != int64(n) {
						b.Fatalf("RecoverGame: version %v, %v", g, err)
					}
				}
				b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "events/s")
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "recoveries/s")
			})
		}
	}
}
