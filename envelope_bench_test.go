package eventstore_test

import (
	"bytes"
	"testing"
	"time"

	es "github.com/gamebot/eventstore"
	"github.com/gamebot/eventstore/internal/gamesim"
)

// benchStream returns a 10,000-event knockout game as recorded events.
func benchStream(b *testing.B) []es.RecordedEvent {
	b.Helper()
	events, err := gamesim.Play(gamesim.Config{Seed: 1, Mode: es.ModeKnockout, GuildID: "42", GameID: "bench",
		Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Events: 10000})
	if err != nil {
		b.Fatal(err)
	}
	out := make([]es.RecordedEvent, len(events))
	for i, e := range events {
		out[i] = es.RecordedEvent{StreamID: "bench", Version: int64(i + 1), Position: int64(i + 1), Event: e}
	}
	return out
}

func reportEventsPerSecond(b *testing.B, perOp int) {
	b.ReportMetric(float64(perOp*b.N)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkMarshal(b *testing.B) {
	stream := benchStream(b)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := es.WriteJSONL(&buf, nil, stream); err != nil {
			b.Fatal(err)
		}
	}
	reportEventsPerSecond(b, len(stream))
}

func BenchmarkUnmarshal(b *testing.B) {
	stream := benchStream(b)
	var buf bytes.Buffer
	if err := es.WriteJSONL(&buf, nil, stream); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := es.ReadJSONL(bytes.NewReader(buf.Bytes()), nil); err != nil {
			b.Fatal(err)
		}
	}
	reportEventsPerSecond(b, len(stream))
}

func BenchmarkValidate(b *testing.B) {
	stream := benchStream(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range stream {
			if err := r.Event.(es.Validator).Validate(time.Time{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportEventsPerSecond(b, len(stream))
}
