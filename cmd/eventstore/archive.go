package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gamebot/eventstore"
)

// runArchive moves a stream's events into a new JSONL file: written,
// synced, then the stream is hard-deleted (Store.ArchiveStream).
func runArchive(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "archive", true)
	out := f.String("o", "", "the archive `file` to create (required; never overwritten)")
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	if *out == "" {
		return f.fail("-o FILE is required")
	}
	s, err := f.openExisting(nil)
	if err != nil {
		return err
	}
	defer s.Close()
	file, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	n, err := s.ArchiveStream(ctx, pos[0], file)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// The stream is still in the store, if the delete did not run.
		if _, verr := s.StreamVersion(ctx, pos[0]); verr == nil || errors.Is(verr, eventstore.ErrStreamDeleted) {
			os.Remove(*out)
		}
		return err
	}
	if f.asJSON {
		return writeJSON(e.stdout, struct {
			Stream string `json:"stream_id"`
			Events int    `json:"events"`
			File   string `json:"file"`
		}{pos[0], n, *out})
	}
	fmt.Fprintf(e.stdout, "archived %d events of %s to %s; the stream is deleted\n", n, pos[0], *out)
	return nil
}

// runRestore puts an archived stream back (Store.RestoreStream).
func runRestore(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "restore", true)
	var now timeFlag
	f.Var(&now, "now", "fix the store's clock at this RFC 3339 `time` (for reproducible output)")
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	file, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer file.Close()
	// The first line names the stream, for the report.
	first, err := eventstore.NewEnvelopeReader(file, nil).Read()
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: %w; nothing restored", pos[0], err)
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	s, err := f.open(&eventstore.Options{Now: now.clock()})
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.RestoreStream(ctx, file)
	if err != nil {
		return fmt.Errorf("%s: %w; nothing restored", pos[0], err)
	}
	if f.asJSON {
		return writeJSON(e.stdout, struct {
			Stream string `json:"stream_id"`
			Events int    `json:"events"`
		}{first.StreamID, n})
	}
	if n == 0 {
		fmt.Fprintf(e.stdout, "%s holds no events: nothing restored\n", pos[0])
		return nil
	}
	fmt.Fprintf(e.stdout, "restored %d events to %s (versions %d to %d)\n", n, first.StreamID, first.Version, first.Version+int64(n)-1)
	return nil
}
