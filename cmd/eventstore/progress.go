package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress counts the events of a long operation.
type progress interface {
	Add(n int) error
	Finish() error
}

// quiet is the progress of a command whose stderr is not a terminal.
type quiet struct{}

func (quiet) Add(int) error { return nil }
func (quiet) Finish() error { return nil }

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newProgress returns a progress bar on stderr when it is a terminal, and a
// silent one otherwise. total is the number of events, -1 when unknown;
// total is only called when a bar is shown, since counting costs a query.
func newProgress(stderr io.Writer, what string, total func() int64) progress {
	if !isTerminal(stderr) {
		return quiet{}
	}
	return progressbar.NewOptions64(total(),
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("events"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30),
	)
}
