package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/gamebot/eventstore"
)

// streamJSON is a stream as the -json forms print it.
type streamJSON struct {
	StreamID   string `json:"stream_id"`
	GuildID    string `json:"guild_id"`
	Version    int64  `json:"version"`
	EventCount int64  `json:"event_count"`
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
	Deleted    bool   `json:"deleted"`
	DeletedAt  string `json:"deleted_at,omitempty"`
}

func toStreamJSON(i eventstore.StreamInfo) streamJSON {
	return streamJSON{i.StreamID, i.GuildID, i.Version, i.EventCount,
		jsonTime(i.CreatedAt), jsonTime(i.UpdatedAt), i.Deleted, jsonTime(i.DeletedAt)}
}

// runStreams lists streams: one page with -limit, or all of them.
func runStreams(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "streams", true)
	var q eventstore.StreamQuery
	f.StringVar(&q.Prefix, "prefix", "", "only streams whose id starts with this")
	f.StringVar(&q.GuildID, "guild", "", "only streams of this guild")
	f.StringVar(&q.After, "after", "", "start after this stream id (the last of the previous page)")
	f.IntVar(&q.Limit, "limit", 0, "print one page of at most `n` streams; 0 prints all")
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	if q.Limit < 0 || q.Limit > eventstore.DefaultMaxReadBatch {
		return f.fail("-limit must be between 0 and %d", eventstore.DefaultMaxReadBatch)
	}
	s, err := f.openExisting(nil)
	if err != nil {
		return err
	}
	defer s.Close()

	var all []eventstore.StreamInfo
	next := "" // where the next page starts, when -limit cut the list
	for {
		page, err := s.Streams(ctx, q)
		if err != nil {
			return err
		}
		all = append(all, page...)
		if q.Limit > 0 {
			if len(page) == q.Limit {
				next = page[len(page)-1].StreamID
			}
			break
		}
		if len(page) == 0 {
			break
		}
		q.After = page[len(page)-1].StreamID
	}

	if f.asJSON {
		out := struct {
			Streams []streamJSON `json:"streams"`
			Next    string       `json:"next_after,omitempty"`
		}{Streams: []streamJSON{}, Next: next}
		for _, i := range all {
			out.Streams = append(out.Streams, toStreamJSON(i))
		}
		return writeJSON(e.stdout, out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STREAM\tGUILD\tVERSION\tEVENTS\tUPDATED\tSTATE")
	for _, i := range all {
		state := "live"
		if i.Deleted {
			state = "deleted"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", i.StreamID, i.GuildID, i.Version, i.EventCount, formatTime(i.UpdatedAt), state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d streams\n", len(all))
	if next != "" {
		fmt.Fprintf(e.stdout, "more: -after %s\n", next)
	}
	return nil
}

// runInfo describes one stream and counts its events by type.
func runInfo(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "info", true)
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	s, err := f.openExisting(nil)
	if err != nil {
		return err
	}
	defer s.Close()
	info, err := s.StreamInfo(ctx, pos[0])
	if err != nil {
		return err
	}
	types := map[string]int{}
	var first, last eventstore.RecordedEvent
	if !info.Deleted {
		for r, err := range s.StreamEvents(ctx, info.StreamID, 1) {
			if err != nil {
				return err
			}
			if first.Version == 0 {
				first = r
			}
			last = r
			types[r.EventType]++
		}
	}
	if f.asJSON {
		return writeJSON(e.stdout, struct {
			streamJSON
			FirstPosition int64          `json:"first_position,omitempty"`
			LastPosition  int64          `json:"last_position,omitempty"`
			Types         map[string]int `json:"types"`
		}{toStreamJSON(info), first.Position, last.Position, types})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "stream\t%s\n", info.StreamID)
	fmt.Fprintf(tw, "guild\t%s\n", info.GuildID)
	fmt.Fprintf(tw, "version\t%d\n", info.Version)
	fmt.Fprintf(tw, "events\t%d\n", info.EventCount)
	fmt.Fprintf(tw, "created\t%s\n", formatTime(info.CreatedAt))
	fmt.Fprintf(tw, "updated\t%s\n", formatTime(info.UpdatedAt))
	if info.Deleted {
		fmt.Fprintf(tw, "deleted\t%s (soft: its events cannot be read)\n", formatTime(info.DeletedAt))
	} else {
		fmt.Fprintf(tw, "positions\t%d to %d\n", first.Position, last.Position)
		for _, t := range sortedKeys(types) {
			fmt.Fprintf(tw, "  %s\t%d\n", t, types[t])
		}
	}
	return tw.Flush()
}
