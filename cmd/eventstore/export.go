package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"

	"github.com/gamebot/eventstore"
)

// runExport writes events as JSONL envelopes in global order: one stream,
// one guild, or everything. With -o the file appears complete or not at
// all.
func runExport(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "export", false)
	stream := f.String("stream", "", "export only this `stream`")
	guild := f.String("guild", "", "export only the events of this `guild`")
	out := f.String("o", "", "write to this `file` instead of stdout")
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	if *stream != "" && *guild != "" {
		return f.fail("-stream and -guild exclude each other")
	}
	s, err := f.openExisting(nil)
	if err != nil {
		return err
	}
	defer s.Close()

	var events iter.Seq2[eventstore.RecordedEvent, error]
	filter := eventstore.Filter{GuildID: *guild}
	if *stream != "" {
		info, err := s.StreamInfo(ctx, *stream)
		if err != nil {
			return err
		}
		if info.Deleted {
			return fmt.Errorf("%w: %q", eventstore.ErrStreamDeleted, *stream)
		}
		events = s.StreamEvents(ctx, *stream, 1)
	} else {
		events = s.AllEvents(ctx, 0, filter)
	}
	bar := newProgress(e.stderr, "export", func() int64 {
		if *stream != "" {
			info, _ := s.StreamInfo(ctx, *stream)
			return info.EventCount
		}
		return countEvents(ctx, f.db, filter)
	})

	w := e.stdout
	var tmp *os.File
	if *out != "" {
		// A temporary file beside the target, renamed when complete.
		if tmp, err = os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*"); err != nil {
			return err
		}
		defer func() {
			if tmp != nil {
				tmp.Close()
				os.Remove(tmp.Name())
			}
		}()
		w = tmp
	}
	n, err := writeEnvelopes(w, events, bar)
	bar.Finish()
	if err != nil {
		return err
	}
	if tmp != nil {
		if err := tmp.Sync(); err != nil {
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), *out); err != nil {
			return err
		}
		tmp = nil
		fmt.Fprintf(e.stderr, "exported %d events to %s\n", n, *out)
	}
	return nil
}

// writeEnvelopes writes events to w as JSONL and returns how many. An event
// that does not decode cannot be exported: it ends the export.
func writeEnvelopes(w io.Writer, events iter.Seq2[eventstore.RecordedEvent, error], bar progress) (int, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	ew := eventstore.NewEnvelopeWriter(bw, nil)
	n := 0
	for r, err := range events {
		if err != nil {
			return n, err
		}
		if err := ew.Write(r); err != nil {
			return n, err
		}
		n++
		bar.Add(1)
	}
	return n, bw.Flush()
}

// countEvents counts the events a filter keeps, -1 when it cannot.
func countEvents(ctx context.Context, path string, filter eventstore.Filter) int64 {
	db, err := openRaw(path)
	if err != nil {
		return -1
	}
	defer db.Close()
	return db.countEvents(ctx, filter)
}
