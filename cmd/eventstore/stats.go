package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"text/tabwriter"

	"github.com/gamebot/eventstore"
)

// largestStreams is how many of the largest streams stats lists.
const largestStreams = 5

type guildStats struct {
	Events  int `json:"events"`
	Streams int `json:"streams"`
}

type modeStats struct {
	Events int `json:"events"`
	Games  int `json:"games"`
}

type streamSize struct {
	StreamID string `json:"stream_id"`
	Events   int64  `json:"events"`
}

// storeStats is what stats prints.
type storeStats struct {
	File        string                 `json:"file"`
	FileBytes   int64                  `json:"file_bytes"`
	WALBytes    int64                  `json:"wal_bytes"`
	Events      int                    `json:"events"`
	Undecodable int                    `json:"undecodable"`
	Streams     int                    `json:"streams"`
	Deleted     int                    `json:"deleted_streams"`
	Types       map[string]int         `json:"types"`
	Guilds      map[string]*guildStats `json:"guilds"`
	Modes       map[string]*modeStats  `json:"modes"`
	Largest     []streamSize           `json:"largest"`
}

// runStats counts events per type, guild and mode, and lists the largest
// streams.
func runStats(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "stats", true)
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	s, err := f.openExisting(nil)
	if err != nil {
		return err
	}
	defer s.Close()
	st := &storeStats{File: f.db, Types: map[string]int{}, Guilds: map[string]*guildStats{},
		Modes: map[string]*modeStats{}, Largest: []streamSize{}}

	bar := newProgress(e.stderr, "stats", func() int64 { return countEvents(ctx, f.db, eventstore.Filter{}) })
	for r, err := range s.AllEvents(ctx, 0, eventstore.Filter{}) {
		var de *eventstore.DecodeError
		if errors.As(err, &de) {
			st.Events++
			st.Undecodable++
			continue
		}
		if err != nil {
			bar.Finish()
			return err
		}
		bar.Add(1)
		st.Events++
		st.Types[r.EventType]++
		g := st.Guilds[r.GuildID]
		if g == nil {
			g = &guildStats{}
			st.Guilds[r.GuildID] = g
		}
		g.Events++
		if b := baseOf(r.Event); b != nil {
			m := st.Modes[string(b.Mode)]
			if m == nil {
				m = &modeStats{}
				st.Modes[string(b.Mode)] = m
			}
			m.Events++
			if r.EventType == eventstore.TypeGameStarted {
				m.Games++
			}
		}
	}
	bar.Finish()

	var sizes []streamSize
	q := eventstore.StreamQuery{}
	for {
		page, err := s.Streams(ctx, q)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, i := range page {
			st.Streams++
			if i.Deleted {
				st.Deleted++
			}
			if g := st.Guilds[i.GuildID]; g != nil {
				g.Streams++
			}
			sizes = append(sizes, streamSize{i.StreamID, i.EventCount})
		}
		q.After = page[len(page)-1].StreamID
	}
	slices.SortStableFunc(sizes, func(a, b streamSize) int { return cmp.Compare(b.Events, a.Events) })
	st.Largest = append(st.Largest, sizes[:min(len(sizes), largestStreams)]...)
	if fi, err := os.Stat(f.db); err == nil {
		st.FileBytes = fi.Size()
	}
	if fi, err := os.Stat(f.db + "-wal"); err == nil {
		st.WALBytes = fi.Size()
	}

	if f.asJSON {
		return writeJSON(e.stdout, st)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "file\t%s, %s (write-ahead log %s)\n", st.File, byteSize(st.FileBytes), byteSize(st.WALBytes))
	fmt.Fprintf(tw, "events\t%d", st.Events)
	if st.Undecodable > 0 {
		fmt.Fprintf(tw, " (%d do not decode)", st.Undecodable)
	}
	fmt.Fprintf(tw, "\nstreams\t%d (%d soft-deleted)\n", st.Streams, st.Deleted)
	fmt.Fprintln(tw, "\nby type")
	for _, t := range sortedKeys(st.Types) {
		fmt.Fprintf(tw, "  %s\t%s\n", t, plural(st.Types[t], "event"))
	}
	fmt.Fprintln(tw, "\nby guild")
	for _, g := range sortedKeys(st.Guilds) {
		name := g
		if name == "" {
			name = "(none)"
		}
		fmt.Fprintf(tw, "  %s\t%s in %s\n", name, plural(st.Guilds[g].Events, "event"), plural(st.Guilds[g].Streams, "stream"))
	}
	fmt.Fprintln(tw, "\nby mode")
	for _, m := range sortedKeys(st.Modes) {
		fmt.Fprintf(tw, "  %s\t%s in %s\n", m, plural(st.Modes[m].Events, "event"), plural(st.Modes[m].Games, "game"))
	}
	fmt.Fprintln(tw, "\nlargest streams")
	for _, l := range st.Largest {
		fmt.Fprintf(tw, "  %s\t%s\n", l.StreamID, plural(int(l.Events), "event"))
	}
	return tw.Flush()
}
