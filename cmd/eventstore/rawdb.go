package main

import (
	"context"
	"database/sql"
	"strings"

	"github.com/gamebot/eventstore"
	_ "modernc.org/sqlite" // the "sqlite" driver
)

// rawDB is a read-only SQL connection to a store file, for what the
// store's API does not offer: SQLite's own checks, counts for progress bars,
// and event id look-ups before an import.
type rawDB struct{ db *sql.DB }

// openRaw opens path read-only.
func openRaw(path string) (*rawDB, error) {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	db, err := sql.Open("sqlite", "file:"+esc+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return &rawDB{db: db}, nil
}

func (r *rawDB) Close() error { return r.db.Close() }

// countEvents counts the events a filter keeps (its type, prefix and guild
// fields), -1 when the count fails.
func (r *rawDB) countEvents(ctx context.Context, f eventstore.Filter) int64 {
	q, args := "SELECT count(*) FROM events WHERE 1=1", []any{}
	if f.EventType != "" {
		q, args = q+" AND event_type = ?", append(args, f.EventType)
	}
	if f.GuildID != "" {
		q, args = q+" AND guild_id = ?", append(args, f.GuildID)
	}
	if f.StreamPrefix != "" {
		q, args = q+" AND substr(stream_id, 1, length(?)) = ?", append(args, f.StreamPrefix, f.StreamPrefix)
	}
	var n int64
	if err := r.db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return -1
	}
	return n
}

// integrity runs PRAGMA integrity_check and returns its complaints.
func (r *rawDB) integrity(ctx context.Context) ([]string, error) {
	rows, err := r.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if s != "ok" {
			out = append(out, s)
		}
	}
	return out, rows.Err()
}

// hasTrigger reports whether the trigger that keeps events immutable is
// there.
func (r *rawDB) hasTrigger(ctx context.Context) (bool, error) {
	var n int
	err := r.db.QueryRowContext(ctx,
		"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'events_are_immutable'").Scan(&n)
	return n == 1, err
}

// storedRef is where a stored event id lives.
type storedRef struct {
	stream  string
	version int64
}

// lookupIDs returns where the given event ids are stored.
func (r *rawDB) lookupIDs(ctx context.Context, ids []string) (map[string]storedRef, error) {
	found := make(map[string]storedRef)
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := r.db.QueryContext(ctx,
			"SELECT event_id, stream_id, version FROM events WHERE event_id IN (?"+strings.Repeat(", ?", len(chunk)-1)+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			var ref storedRef
			if err := rows.Scan(&id, &ref.stream, &ref.version); err != nil {
				rows.Close()
				return nil, err
			}
			found[id] = ref
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return found, nil
}
