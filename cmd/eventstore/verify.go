package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/gamebot/eventstore"
)

// problem is one thing verify found wrong.
type problem struct {
	Check    string `json:"check"` // integrity, trigger, position, version, decode, validate, stream, recover, snapshot
	Stream   string `json:"stream_id,omitempty"`
	Version  int64  `json:"version,omitempty"`
	Position int64  `json:"position,omitempty"`
	Message  string `json:"message"`
}

func (p problem) String() string {
	where := ""
	if p.Stream != "" {
		where = "stream " + p.Stream
		if p.Version != 0 {
			where += fmt.Sprintf(" version %d", p.Version)
		}
		if p.Position != 0 {
			where += fmt.Sprintf(" position %d", p.Position)
		}
		where += ": "
	}
	return fmt.Sprintf("%-9s %s%s", p.Check, where, p.Message)
}

// verifyReport is the outcome of verify.
type verifyReport struct {
	OK       bool      `json:"ok"`
	Events   int       `json:"events"`
	Streams  int       `json:"streams"`
	Games    int       `json:"games"`
	Problems []problem `json:"problems"`
}

// streamTally is what the event pass saw of one stream.
type streamTally struct {
	last  int64 // the last version seen
	count int64
	game  bool // its first event is game_started
}

// runVerify checks the whole file and reports every problem it finds.
func runVerify(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "verify", true)
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	s, err := f.openExisting(nil)
	if err != nil {
		return err
	}
	defer s.Close()
	db, err := openRaw(f.db)
	if err != nil {
		return err
	}
	defer db.Close()

	rep := &verifyReport{Problems: []problem{}}
	add := func(p problem) { rep.Problems = append(rep.Problems, p) }

	// SQLite's own view of the file.
	complaints, err := db.integrity(ctx)
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	for _, c := range complaints {
		add(problem{Check: "integrity", Message: c})
	}
	if ok, err := db.hasTrigger(ctx); err != nil {
		return err
	} else if !ok {
		add(problem{Check: "trigger", Message: "the events_are_immutable trigger is missing: events can be changed"})
	}

	// Every event, in global order.
	bar := newProgress(e.stderr, "verify", func() int64 { return db.countEvents(ctx, eventstore.Filter{}) })
	tallies := map[string]*streamTally{}
	var lastPos int64
	see := func(stream string, version, position int64) *streamTally {
		rep.Events++
		bar.Add(1)
		if position <= lastPos {
			add(problem{"position", stream, version, position, fmt.Sprintf("position does not follow %d", lastPos)})
		}
		lastPos = max(lastPos, position)
		t := tallies[stream]
		if t == nil {
			t = &streamTally{}
			tallies[stream] = t
		}
		if version != t.last+1 {
			add(problem{"version", stream, version, position, fmt.Sprintf("version follows version %d", t.last)})
		}
		t.last, t.count = version, t.count+1
		return t
	}
	for r, err := range s.AllEvents(ctx, 0, eventstore.Filter{}) {
		var de *eventstore.DecodeError
		if errors.As(err, &de) {
			see(de.StreamID, de.Version, de.Position)
			add(problem{"decode", de.StreamID, de.Version, de.Position, fmt.Sprintf("event does not decode: %v", de.Err)})
			continue
		}
		if err != nil {
			bar.Finish()
			return fmt.Errorf("reading events: %w", err)
		}
		t := see(r.StreamID, r.Version, r.Position)
		if r.Version == 1 && r.EventType == eventstore.TypeGameStarted {
			t.game = true
		}
		if v, ok := r.Event.(eventstore.Validator); ok {
			if err := v.Validate(r.CreatedAt); err != nil {
				add(problem{"validate", r.StreamID, r.Version, r.Position, err.Error()})
			}
		}
	}
	bar.Finish()

	// The stream rows against the events.
	listed := map[string]bool{}
	var live []string // game streams to recover
	q := eventstore.StreamQuery{}
	for {
		page, err := s.Streams(ctx, q)
		if err != nil {
			return fmt.Errorf("listing streams: %w", err)
		}
		if len(page) == 0 {
			break
		}
		for _, i := range page {
			listed[i.StreamID] = true
			rep.Streams++
			t := tallies[i.StreamID]
			switch {
			case t == nil:
				add(problem{Check: "stream", Stream: i.StreamID, Message: "listed but has no events"})
				continue
			case t.last != i.Version:
				add(problem{Check: "stream", Stream: i.StreamID, Message: fmt.Sprintf("listed at version %d, its last event is version %d", i.Version, t.last)})
			case t.count != i.EventCount:
				add(problem{Check: "stream", Stream: i.StreamID, Message: fmt.Sprintf("listed with %d events, holds %d", i.EventCount, t.count)})
			}
			if t.game && !i.Deleted {
				live = append(live, i.StreamID)
			}
		}
		q.After = page[len(page)-1].StreamID
	}
	for _, id := range sortedKeys(tallies) {
		if !listed[id] {
			add(problem{Check: "stream", Stream: id, Message: "has events but no stream row"})
		}
	}

	// Every live game recovers.
	for _, id := range live {
		rep.Games++
		if _, err := eventstore.RecoverGameFrom(ctx, s, id, nil); err != nil {
			p := problem{Check: "recover", Stream: id, Message: err.Error()}
			var re *eventstore.RecoveryError
			if errors.As(err, &re) {
				p.Version, p.Position = re.Version, re.Position
				cause := re.Err
				var de *eventstore.DecodeError
				if errors.As(cause, &de) {
					cause = de.Err // the place is said already
				}
				p.Message = fmt.Sprintf("%s: %v", re.Rule, cause)
			}
			add(p)
		}
	}
	rep.Problems = append(rep.Problems, verifySnapshots(ctx, s, live)...)

	rep.OK = len(rep.Problems) == 0
	if f.asJSON {
		if err := writeJSON(e.stdout, rep); err != nil {
			return err
		}
	} else {
		for _, p := range rep.Problems {
			fmt.Fprintln(e.stdout, p)
		}
		if rep.OK {
			fmt.Fprintf(e.stdout, "ok: %d events in %d streams, %d games recovered, file intact\n", rep.Events, rep.Streams, rep.Games)
		} else {
			fmt.Fprintf(e.stdout, "%s in %d events of %d streams (%d games)\n", plural(len(rep.Problems), "problem"), rep.Events, rep.Streams, rep.Games)
		}
	}
	if !rep.OK {
		return errProblems
	}
	return nil
}
