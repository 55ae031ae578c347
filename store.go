package eventstore

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// applicationID marks a SQLite file as an event store ("GBES").
const applicationID = 0x47424553

// SchemaVersion is the version of the file layout this package writes.
// Opening an older file migrates it; a newer one is refused.
const SchemaVersion = 3

// schemaV1 creates the event log and the stream table.
//
//go:embed schema.sql
var schemaV1 string

// schemaV2 adds snapshots and subscription checkpoints.
//
//go:embed schema_2.sql
var schemaV2 string

// schemaV3 stops writing the stream row on every append.
//
//go:embed schema_3.sql
var schemaV3 string

// schemaMigrations[v] takes a file from version v-1 to v.
var schemaMigrations = []string{1: schemaV1, 2: schemaV2, 3: schemaV3}

// Store is an event store in one SQLite file. It is safe for concurrent use
// by many goroutines; one writer goroutine owns the write connection and
// commits the appends that wait at the same moment together (group commit),
// while reads run on a pool of reader connections and never wait for writes.
//
// Open a Store once per file and process and Close it when done.
type Store struct {
	path string
	opts Options

	wdb    *sqlx.DB    // one connection, owned by the writer goroutine
	wstmts writerStmts // prepared on wdb, used by the writer goroutine
	rdb    *sqlx.DB    // the reader pool (the same as wdb for ":memory:")
	rstmts readerStmts // prepared on rdb

	reqs       chan *writeRequest
	quit       chan struct{} // closed by Close: no new writes
	writerDone chan struct{} // closed when the writer goroutine has ended
	closed     atomic.Bool
	closeOnce  sync.Once
	closeErr   error

	commits commitSignal // wakes subscribers after each commit

	// stats counts the writer's commits and the requests they carried, to
	// show group commit at work (tests read them).
	stats struct {
		commits, requests atomic.Int64
	}
}

// Open opens the store in the file at path, creating and initialising it
// when it does not exist or is empty. ":memory:" opens a private in-memory
// store (for tests: it has a single connection, so reads wait for writes).
// A nil opts means all defaults.
//
// Open refuses, with an error matching ErrConnection and without changing a
// byte of the file, a file that is not SQLite, a SQLite file of another
// application, and a store whose schema version is newer than SchemaVersion.
// A store with an older schema version is migrated.
func Open(path string, opts *Options) (*Store, error) {
	o := opts.withDefaults()
	if err := o.validate(); err != nil {
		return nil, err
	}
	if path == "" {
		return nil, fileError(path, "empty path")
	}
	if path != memoryPath {
		if err := checkHeader(path); err != nil {
			return nil, err
		}
	}
	s := &Store{
		path:       path,
		opts:       o,
		reqs:       make(chan *writeRequest, 1024),
		quit:       make(chan struct{}),
		writerDone: make(chan struct{}),
	}
	s.commits.init()

	wdb, err := sqlx.Open("sqlite", dsn(path, &o, true))
	if err != nil {
		return nil, fmt.Errorf("%w: open %s: %w", ErrConnection, path, err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	wdb.SetConnMaxIdleTime(0)
	s.wdb = wdb
	if err := s.setup(); err != nil {
		wdb.Close()
		return nil, err
	}
	if err := s.wstmts.prepare(wdb); err != nil {
		s.wstmts.close()
		wdb.Close()
		return nil, fmt.Errorf("%w: open %s: %w", ErrConnection, path, err)
	}

	if path == memoryPath {
		s.rdb = wdb
	} else {
		rdb, err := sqlx.Open("sqlite", dsn(path, &o, false))
		if err != nil {
			s.wstmts.close()
			wdb.Close()
			return nil, fmt.Errorf("%w: open %s: %w", ErrConnection, path, err)
		}
		rdb.SetMaxOpenConns(o.MaxReaders)
		rdb.SetMaxIdleConns(o.MaxReaders)
		s.rdb = rdb
	}
	if err := s.rstmts.prepare(s.rdb); err != nil {
		s.rstmts.close()
		s.wstmts.close()
		if s.rdb != wdb {
			s.rdb.Close()
		}
		wdb.Close()
		return nil, fmt.Errorf("%w: open %s: %w", ErrConnection, path, err)
	}
	go s.runWriter()
	return s, nil
}

// checkHeader refuses a non-empty file that does not start like a SQLite
// database, before the driver touches it.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		// SQLite creates the file but not its directory, and would only
		// say it is "unable to open database file".
		if dir := filepath.Dir(path); !isDir(dir) {
			return fileError(path, fmt.Sprintf("no such directory %s", dir))
		}
		return nil
	}
	if err != nil {
		return fileError(path, err.Error())
	}
	defer f.Close()
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	switch {
	case n == 0 && (err == io.EOF):
		return nil // an empty file becomes a new store
	case err != nil && err != io.ErrUnexpectedEOF:
		return fileError(path, err.Error())
	case !bytes.Equal(head[:n], []byte("SQLite format 3\x00")):
		return fileError(path, "not a SQLite database")
	}
	return nil
}

// isDir reports whether path is an existing directory.
func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// setup checks what the file holds and brings it to SchemaVersion. It reads
// before it writes, so a file that is not ours is left untouched. Another
// process opening the same file at the same moment can make a step fail
// busy, which the busy timeout does not cover everywhere (switching a new
// file to WAL): setup tries again until Options.BusyTimeout has passed.
func (s *Store) setup() error {
	deadline := time.Now().Add(s.opts.BusyTimeout)
	for {
		err := s.setupOnce()
		if err == nil || !isTransient(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(jitter(5 * time.Millisecond))
	}
}

func (s *Store) setupOnce() error {
	ctx := context.Background()
	version, err := s.schemaVersion(ctx, s.wdb)
	if err != nil {
		return err
	}
	if s.path != memoryPath {
		var mode string
		if err := s.wdb.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
			return fmt.Errorf("%w: %s: cannot enable WAL: %w", ErrConnection, s.path, translate(err))
		}
	}
	if version == SchemaVersion {
		return nil
	}
	return s.migrate(ctx)
}

// schemaVersion returns the schema version of the file, 0 for a new file,
// and refuses a file that is not a store or is newer than this package.
func (s *Store) schemaVersion(ctx context.Context, q queryer) (int, error) {
	// One statement, so the three values come from one snapshot even while
	// another process sets the file up.
	var appID, version, objects int
	err := q.QueryRowContext(ctx, `SELECT (SELECT application_id FROM pragma_application_id),
	        (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema)`).
		Scan(&appID, &version, &objects)
	if err != nil {
		return 0, fmt.Errorf("%w: %s: cannot read the file: %w", ErrConnection, s.path, translate(err))
	}
	switch {
	case appID == 0 && objects == 0:
		return 0, nil // a new file
	case appID != applicationID:
		return 0, fileError(s.path, fmt.Sprintf("not an event store (application_id %#x, %d schema objects)", appID, objects))
	case version > SchemaVersion:
		return 0, fileError(s.path, fmt.Sprintf("schema version %d is newer than this library's %d; upgrade the library", version, SchemaVersion))
	case version < 1:
		return 0, fileError(s.path, fmt.Sprintf("invalid schema version %d", version))
	}
	return version, nil
}

// migrate brings the file to SchemaVersion in one transaction.
func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.wdb.BeginTx(ctx, nil) // BEGIN IMMEDIATE (see dsn)
	if err != nil {
		return fmt.Errorf("%w: migrate %s: %w", ErrConnection, s.path, translate(err))
	}
	defer tx.Rollback()
	// Look again under the write lock: another process opening the same
	// file may have set it up since setup looked.
	from, err := s.schemaVersion(ctx, tx)
	if err != nil || from == SchemaVersion {
		return err
	}
	for v := from + 1; v <= SchemaVersion; v++ {
		if _, err := tx.ExecContext(ctx, schemaMigrations[v]); err != nil {
			return fmt.Errorf("%w: migrate %s to schema version %d: %w", ErrConnection, s.path, v, translate(err))
		}
	}
	// PRAGMAs take no parameters; both values are constants of this package.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, SchemaVersion)); err != nil {
		return fmt.Errorf("%w: migrate %s: %w", ErrConnection, s.path, translate(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%w: migrate %s: %w", ErrConnection, s.path, translate(err))
	}
	return nil
}

// Path returns the path the store was opened with.
func (s *Store) Path() string { return s.path }

// Close waits for the writes in progress, fails the queued ones with
// ErrConnection, and closes the file. Every method of a closed store returns
// an error matching ErrConnection. Close is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		close(s.quit)
		<-s.writerDone
		s.commits.broadcast() // wake subscribers so they see the store closed
		s.wstmts.close()
		s.rstmts.close()
		err := s.wdb.Close()
		if s.rdb != s.wdb {
			if rerr := s.rdb.Close(); err == nil {
				err = rerr
			}
		}
		s.closeErr = translate(err)
	})
	return s.closeErr
}

// checkOpen returns errClosed once Close has begun.
func (s *Store) checkOpen() error {
	if s.closed.Load() {
		return errClosed
	}
	return nil
}

// now returns the store's clock in UTC.
func (s *Store) now() time.Time { return s.opts.Now().UTC() }

// queryer is what reads need: the reader pool or a write transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// commitSignal is a broadcast: wait returns a channel that is closed at the
// next commit.
type commitSignal struct {
	mu sync.Mutex
	ch chan struct{}
}

func (c *commitSignal) init() { c.ch = make(chan struct{}) }

func (c *commitSignal) wait() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ch
}

func (c *commitSignal) broadcast() {
	c.mu.Lock()
	close(c.ch)
	c.ch = make(chan struct{})
	c.mu.Unlock()
}
