package eventstore

// This file is the SQLite seam: connection strings, pragmas and the
// translation of driver errors. Everything else speaks portable SQL through
// database/sql, so a PostgreSQL backend replaces this file, not the store.

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

const memoryPath = ":memory:"

// dsn returns the modernc.org/sqlite connection string for path. The writer
// begins every transaction with BEGIN IMMEDIATE, so the write lock is taken
// up front and a version check can never be overtaken by another process.
// Readers are query-only.
func dsn(path string, o *Options, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(o.BusyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous("+string(o.Synchronous)+")")
	if writer {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	if path == memoryPath {
		return memoryPath + "?" + q.Encode()
	}
	// A file: URI, with the characters that would end the path escaped.
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(path) + "?" + q.Encode()
}

// dbError is a driver error translated at the boundary. It matches
// ErrConnection unless the code says otherwise, and keeps the driver error.
type dbError struct {
	code      int // the SQLite extended result code
	transient bool
	err       error
}

func (e *dbError) Error() string { return "eventstore: database: " + e.err.Error() }
func (e *dbError) Unwrap() error { return e.err }

// Is reports ErrConnection for every database failure.
func (e *dbError) Is(target error) bool { return target == ErrConnection }

// translate turns a driver error into a dbError. Errors that are not from the
// driver (context cancellation, the store's own errors) pass through.
func translate(err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	code := se.Code()
	switch code & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_PROTOCOL:
		return &dbError{code: code, transient: true, err: err}
	}
	return &dbError{code: code, err: err}
}

// isTransient reports whether err is worth retrying: the database was busy
// or locked by another process, or an I/O operation failed.
func isTransient(err error) bool {
	var de *dbError
	return errors.As(err, &de) && de.transient
}

// isUniqueViolation reports whether err is a UNIQUE constraint failure.
func isUniqueViolation(err error) bool {
	var de *dbError
	return errors.As(err, &de) && de.code == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

// fileError explains why a file cannot be opened as a store.
func fileError(path, why string) error {
	return fmt.Errorf("%w: %s: %s", ErrConnection, path, why)
}

// isNoRows reports whether a single-row query found nothing.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
