package main

import (
	"context"
	"fmt"

	"github.com/gamebot/eventstore"
)

// runAppend appends the events of JSONL envelopes read from stdin to a
// stream, in one call: all or nothing. Only the envelopes' type, version,
// data and metadata count; their stream, versions, positions and times are
// the store's to give. Event ids in the metadata make a repeated append an
// idempotent no-op.
func runAppend(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "append", true)
	expect := f.String("expect", "any", "the expected `version`: any, no_stream, stream_exists or a number")
	var now timeFlag
	f.Var(&now, "now", "fix the store's clock at this RFC 3339 `time` (for reproducible output)")
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	expected, err := parseExpected(*expect)
	if err != nil {
		return f.fail("%v", err)
	}
	recs, err := eventstore.ReadJSONL(e.stdin, nil)
	if err != nil {
		return fmt.Errorf("stdin: %w; nothing appended", err)
	}
	events := make([]eventstore.Event, len(recs))
	for i, r := range recs {
		events[i] = r.Event
	}
	s, err := f.open(&eventstore.Options{Now: now.clock()})
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.Append(ctx, pos[0], expected, events...)
	if err != nil {
		return err
	}
	if f.asJSON {
		return writeJSON(e.stdout, struct {
			Stream    string   `json:"stream_id"`
			Version   int64    `json:"version"`
			Positions []int64  `json:"positions"`
			EventIDs  []string `json:"event_ids"`
		}{pos[0], res.Version, res.Positions, res.EventIDs})
	}
	switch len(res.Positions) {
	case 0:
		fmt.Fprintf(e.stdout, "appended nothing to %s: version %d\n", pos[0], res.Version)
	default:
		fmt.Fprintf(e.stdout, "appended %d events to %s: version %d, positions %d to %d\n",
			len(res.Positions), pos[0], res.Version, res.Positions[0], res.Positions[len(res.Positions)-1])
	}
	return nil
}
