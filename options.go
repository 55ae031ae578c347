package eventstore

import (
	"fmt"
	"time"

	"github.com/rs/zerolog"
)

// Defaults for the zero fields of Options.
const (
	DefaultBusyTimeout    = 5 * time.Second
	DefaultMaxReaders     = 4
	DefaultMaxAppendBatch = 1000
	DefaultMaxStreamSize  = 10000
	DefaultMaxReadBatch   = 1000
	DefaultMaxRetries     = 3
	DefaultRetryDelay     = 50 * time.Millisecond
	DefaultPollInterval   = 250 * time.Millisecond
)

// Synchronous is SQLite's durability setting for commits.
type Synchronous string

const (
	// SyncFull makes every acknowledged append survive power loss. The
	// default.
	SyncFull Synchronous = "FULL"
	// SyncNormal makes acknowledged appends survive a crash of the process
	// but not always power loss; commits are several times faster.
	SyncNormal Synchronous = "NORMAL"
)

// Options configures a Store. A nil *Options means all defaults; each zero
// field means its documented default. Open copies the struct and never keeps
// the caller's.
type Options struct {
	// Synchronous is the durability setting; "" means SyncFull. Open
	// refuses any other value than SyncFull and SyncNormal.
	Synchronous Synchronous
	// BusyTimeout is how long a connection waits for a lock held by another
	// process before failing; 0 means DefaultBusyTimeout.
	BusyTimeout time.Duration
	// MaxReaders is the size of the reader connection pool; 0 means
	// DefaultMaxReaders.
	MaxReaders int
	// MaxAppendBatch is the most events one Append may carry; 0 means
	// DefaultMaxAppendBatch.
	MaxAppendBatch int
	// MaxStreamSize is the most events a stream may hold; 0 means
	// DefaultMaxStreamSize.
	MaxStreamSize int
	// MaxReadBatch is the largest count a read accepts, and the batch size
	// of iterators; 0 means DefaultMaxReadBatch.
	MaxReadBatch int
	// MaxRetries is how often a write that failed on a transient error
	// (busy, locked, I/O) is tried again; 0 means DefaultMaxRetries and a
	// negative value means never.
	MaxRetries int
	// RetryDelay is the first backoff delay; each retry doubles it, with
	// ±20% jitter. 0 means DefaultRetryDelay.
	RetryDelay time.Duration
	// PollInterval is how often subscriptions look for events written by
	// other processes; 0 means DefaultPollInterval.
	PollInterval time.Duration
	// SnapshotEvery, above 0, makes RecoverGame save a snapshot of a game's
	// state when it folded at least this many events after the snapshot it
	// started from; 0 means RecoverGame never saves one (SaveGameSnapshot
	// still does).
	SnapshotEvery int
	// Serializer encodes and decodes events; nil means a JSONSerializer over
	// DefaultRegistry().
	Serializer Serializer
	// Now is the store's clock, used for commit times and event validation;
	// nil means time.Now.
	Now func() time.Time
	// Logger receives a line per write, retry and failure; nil means silent.
	Logger *zerolog.Logger
	// OnOperation, when set, is called after every operation with its
	// duration and result. It runs on the caller's goroutine and must be
	// fast and safe for concurrent use.
	OnOperation func(Operation)
}

// Operation describes one finished store operation, for telemetry.
type Operation struct {
	Name     string        // "append", "read_stream", "tx", …
	StreamID string        // the stream, when the operation has one
	GuildID  string        // the guild of a Tx
	Events   int           // events written or read
	Duration time.Duration // wall time, retries included
	Retries  int           // how many times it was tried again
	Err      error         // nil on success
}

// validate refuses settings that cannot be made to mean a default. The
// synchronous setting reaches SQLite as a pragma, where an unknown value
// would silently mean NORMAL, and text would be executed.
func (o *Options) validate() error {
	if o.Synchronous != SyncFull && o.Synchronous != SyncNormal {
		return fmt.Errorf("eventstore: invalid Options.Synchronous %q: want %q or %q", o.Synchronous, SyncFull, SyncNormal)
	}
	return nil
}

// withDefaults returns a copy of o with every zero field set.
func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Synchronous == "" {
		c.Synchronous = SyncFull
	}
	if c.BusyTimeout <= 0 {
		c.BusyTimeout = DefaultBusyTimeout
	}
	if c.MaxReaders <= 0 {
		c.MaxReaders = DefaultMaxReaders
	}
	if c.MaxAppendBatch <= 0 {
		c.MaxAppendBatch = DefaultMaxAppendBatch
	}
	if c.MaxStreamSize <= 0 {
		c.MaxStreamSize = DefaultMaxStreamSize
	}
	if c.MaxReadBatch <= 0 {
		c.MaxReadBatch = DefaultMaxReadBatch
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.RetryDelay <= 0 {
		c.RetryDelay = DefaultRetryDelay
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.Serializer == nil {
		c.Serializer = NewJSONSerializer(nil)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		nop := zerolog.Nop()
		c.Logger = &nop
	}
	return c
}
