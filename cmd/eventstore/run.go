package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/gamebot/eventstore"
)

// defaultDB is the store file every subcommand uses without -db.
const defaultDB = "gamebot.db"

// env is what a subcommand may touch of the outside world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	args    string // the arguments after the name, for the usage line
	summary string
}

// commands lists the subcommands in the order help shows them.
var commands = []command{
	{"demo", "[flags]", "play simulated games into the store and summarise them"},
	{"streams", "[flags]", "list streams"},
	{"info", "[flags] STREAM", "describe one stream"},
	{"read", "[flags] STREAM", "print a stream's events"},
	{"all", "[flags]", "print events of all streams in global order"},
	{"tail", "[flags] STREAM|$all", "print the last events, and with -f follow new ones"},
	{"append", "[flags] STREAM < events.jsonl", "append JSONL envelopes from stdin to a stream"},
	{"export", "[flags]", "write events as JSONL envelopes"},
	{"import", "[flags] [FILE]", "import JSONL envelopes from FILE or stdin"},
	{"archive", "[flags] -o FILE STREAM", "move a stream's events into a JSONL file"},
	{"restore", "[flags] FILE", "put an archived stream back"},
	{"verify", "[flags]", "check the whole store file"},
	{"stats", "[flags]", "count events per type, guild and mode"},
	{"recover", "[flags] GAME", "print a game's recovered state"},
}

// run runs the subcommand named by args[0] and returns the exit status:
// 0 on success, 1 when the command failed, 2 for a usage error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		mainUsage(stderr)
		return 2
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "-help" || name == "--help" {
		mainUsage(stdout)
		return 0
	}
	if h := handler(name); h != nil {
		return exitCode(stderr, name, h(ctx, e, args[1:]))
	}
	fmt.Fprintf(stderr, "eventstore: unknown command %q\n\n", name)
	mainUsage(stderr)
	return 2
}

// handler returns the function of the named subcommand, or nil.
func handler(name string) func(ctx context.Context, e *env, args []string) error {
	switch name {
	case "demo":
		return runDemo
	case "streams":
		return runStreams
	case "info":
		return runInfo
	case "read":
		return runRead
	case "all":
		return runAll
	case "tail":
		return runTail
	case "append":
		return runAppend
	case "export":
		return runExport
	case "import":
		return runImport
	case "archive":
		return runArchive
	case "restore":
		return runRestore
	case "verify":
		return runVerify
	case "stats":
		return runStats
	case "recover":
		return runRecover
	}
	return nil
}

// mainUsage prints the list of subcommands.
func mainUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: eventstore COMMAND [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Every command takes -db FILE (default %s). Run \"eventstore COMMAND -h\" for its flags.\n", defaultDB)
}

// usageError is a wrong command line: exit status 2, after the usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// errProblems is returned by a command that has reported its problems
// itself (verify): exit status 1 without another message.
var errProblems = errors.New("problems found")

// exitCode prints err and returns the exit status it deserves.
func exitCode(stderr io.Writer, name string, err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		// The usage was printed when the flags were parsed; usageErrors
		// raised later print it here.
		return 2
	case errors.Is(err, errProblems):
		return 1
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "eventstore %s: interrupted\n", name)
		return 1
	}
	fmt.Fprintf(stderr, "eventstore %s: %v\n", name, err)
	return 1
}

// flags is a subcommand's flag set with the flags every command shares.
type flags struct {
	*flag.FlagSet
	e      *env
	cmd    command
	db     string
	asJSON bool
}

// newFlags returns the flag set of the named command. withJSON adds -json.
func newFlags(e *env, name string, withJSON bool) *flags {
	var cmd command
	for _, c := range commands {
		if c.name == name {
			cmd = c
		}
	}
	f := &flags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), e: e, cmd: cmd}
	f.SetOutput(e.stderr)
	f.StringVar(&f.db, "db", defaultDB, "the store `file`")
	if withJSON {
		f.BoolVar(&f.asJSON, "json", false, "print JSON instead of text")
	}
	f.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: eventstore %s %s\n\n%s.\n\nflags:\n", cmd.name, cmd.args, upperFirst(cmd.summary))
		f.PrintDefaults()
	}
	return f
}

// parse parses args, flags and arguments in any order ("--" ends the
// flags), and checks the number of arguments is within [min, max].
func (f *flags) parse(args []string, min, max int) ([]string, error) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()} // the flag package printed it
		}
		rest := f.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := args[:len(args)-len(rest)]; len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	if len(pos) < min || len(pos) > max {
		return nil, f.fail("wrong number of arguments")
	}
	return pos, nil
}

// isSet reports whether the named flag was given.
func (f *flags) isSet(name string) bool {
	set := false
	f.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// fail prints msg and the usage, and returns a usage error.
func (f *flags) fail(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(f.e.stderr, "eventstore %s: %s\n", f.Name(), msg)
	f.Usage()
	return &usageError{msg}
}

// openExisting opens the store at f.db, which must exist: commands that
// only look never create an empty store by accident.
func (f *flags) openExisting(opts *eventstore.Options) (*eventstore.Store, error) {
	if _, err := os.Stat(f.db); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no store at %s (run \"eventstore demo\" to make one)", f.db)
		}
		return nil, err
	}
	return eventstore.Open(f.db, opts)
}

// open opens or creates the store at f.db.
func (f *flags) open(opts *eventstore.Options) (*eventstore.Store, error) {
	return eventstore.Open(f.db, opts)
}

// expectedFlag parses any, no_stream, stream_exists or a version.
func parseExpected(s string) (eventstore.ExpectedVersion, error) {
	switch s {
	case "any":
		return eventstore.Any, nil
	case "no_stream":
		return eventstore.NoStream, nil
	case "stream_exists":
		return eventstore.StreamExists, nil
	}
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil || n < 0 || fmt.Sprint(n) != s {
		return 0, fmt.Errorf("-expect %q: want any, no_stream, stream_exists or a version ≥ 0", s)
	}
	return eventstore.ExpectedVersion(n), nil
}

// timeFlag is a flag holding an RFC 3339 time; zero when unset.
type timeFlag struct{ t time.Time }

func (t *timeFlag) String() string {
	if t.t.IsZero() {
		return ""
	}
	return t.t.Format(time.RFC3339)
}

func (t *timeFlag) Set(s string) error {
	v, err := eventstore.ParseTime(s)
	if err != nil {
		return err
	}
	t.t = v
	return nil
}

// clock returns a fixed clock at t, or the wall clock when t is zero.
func (t *timeFlag) clock() func() time.Time {
	if t.t.IsZero() {
		return time.Now
	}
	fixed := t.t
	return func() time.Time { return fixed }
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sortedKeys returns m's keys in ascending order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
