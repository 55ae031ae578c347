package eventstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// StreamVersion returns the version of the stream streamID: the version of
// its last event, or 0 when it has none (never written, or hard-deleted).
// Errors: ErrConnection, ErrInvalidStreamID, ErrStreamDeleted for a
// soft-deleted stream.
func (s *Store) StreamVersion(ctx context.Context, streamID string) (int64, error) {
	start := time.Now()
	v, err := s.streamVersion(ctx, s.rdb, streamID)
	s.done(&Operation{Name: "stream_version", StreamID: streamID, Err: err}, start)
	return v, err
}

func (s *Store) streamVersion(ctx context.Context, q queryer, streamID string) (int64, error) {
	if err := s.checkOpen(); err != nil {
		return 0, err
	}
	if err := ValidateStreamID(streamID); err != nil {
		return 0, err
	}
	var version int64
	var deleted bool
	err := q.QueryRowContext(ctx, streamStateQuery, streamID).Scan(&deleted, &version)
	switch {
	case isNoRows(err):
		return 0, nil
	case err != nil:
		return 0, queryError(ctx, err)
	case deleted:
		return 0, fmt.Errorf("%w: %q", ErrStreamDeleted, streamID)
	}
	return version, nil
}

// StreamInfo describes a stream.
type StreamInfo struct {
	StreamID   string    `db:"stream_id"`
	Version    int64     `db:"version"`     // the version of its last event
	EventCount int64     `db:"event_count"` // events it holds
	GuildID    string    `db:"guild_id"`    // the guild of its first event
	CreatedAt  time.Time `db:"-"`           // when its first event was committed
	UpdatedAt  time.Time `db:"-"`           // when its last event was committed
	Deleted    bool      `db:"-"`           // soft-deleted
	DeletedAt  time.Time `db:"-"`           // when it was soft-deleted; zero if not
}

// streamRow is StreamInfo as stored.
type streamRow struct {
	StreamInfo
	Created  int64         `db:"created_at"`
	Updated  int64         `db:"updated_at"`
	DeletedU sql.NullInt64 `db:"deleted_at"`
}

func (r streamRow) info() StreamInfo {
	i := r.StreamInfo
	i.CreatedAt = time.UnixMicro(r.Created).UTC()
	i.UpdatedAt = time.UnixMicro(r.Updated).UTC()
	if r.DeletedU.Valid {
		i.Deleted, i.DeletedAt = true, time.UnixMicro(r.DeletedU.Int64).UTC()
	}
	return i
}

// streamColumns and streamFrom select StreamInfo rows. The version and the
// time of the last write are those of the stream's last event, found through
// the (stream_id, version) index (the version never below lost_version, see
// schema_3.sql); the event count equals the version, as versions have no gaps
// and a hard delete removes the whole stream. A LEFT JOIN keeps streams the
// outer loop, one index seek per stream.
const (
	streamColumns = `s.stream_id,
	    max(COALESCE(s.lost_version, 0), COALESCE(e.version, 0)) AS version,
	    max(COALESCE(s.lost_version, 0), COALESCE(e.version, 0)) AS event_count,
	    s.guild_id, s.created_at, COALESCE(e.created_at, s.created_at) AS updated_at, s.deleted_at`
	streamFrom = ` FROM streams s LEFT JOIN events e
	    ON e.stream_id = s.stream_id AND e.version = (SELECT max(version) FROM events WHERE stream_id = s.stream_id)`
)

// StreamInfo describes the stream streamID, soft-deleted or not. Errors:
// ErrConnection, ErrInvalidStreamID, ErrStreamNotFound when it has no events
// (never written, or hard-deleted).
func (s *Store) StreamInfo(ctx context.Context, streamID string) (StreamInfo, error) {
	start := time.Now()
	info, err := s.streamInfo(ctx, streamID)
	s.done(&Operation{Name: "stream_info", StreamID: streamID, Err: err}, start)
	return info, err
}

func (s *Store) streamInfo(ctx context.Context, streamID string) (StreamInfo, error) {
	if err := s.checkOpen(); err != nil {
		return StreamInfo{}, err
	}
	if err := ValidateStreamID(streamID); err != nil {
		return StreamInfo{}, err
	}
	var row streamRow
	err := s.rdb.GetContext(ctx, &row, "SELECT "+streamColumns+streamFrom+" WHERE s.stream_id = ?", streamID)
	switch {
	case isNoRows(err):
		return StreamInfo{}, fmt.Errorf("%w: %q", ErrStreamNotFound, streamID)
	case err != nil:
		return StreamInfo{}, queryError(ctx, err)
	}
	return row.info(), nil
}

// StreamQuery selects streams for Streams. The zero value lists the first
// Options.MaxReadBatch streams in id order.
type StreamQuery struct {
	// Prefix keeps streams whose id starts with these bytes
	// (case-sensitive, no wildcards).
	Prefix string
	// GuildID keeps the streams of one guild.
	GuildID string
	// After starts the page after this stream id: pass the last id of the
	// previous page.
	After string
	// Limit is the page size, 1 to Options.MaxReadBatch; 0 means
	// Options.MaxReadBatch.
	Limit int
}

// Streams lists streams in byte order of their ids, soft-deleted ones
// included (see StreamInfo.Deleted), one page at a time. An empty page means
// the end. Errors: ErrConnection, ErrInvalidBatchSize for a Limit out of
// range.
func (s *Store) Streams(ctx context.Context, q StreamQuery) ([]StreamInfo, error) {
	start := time.Now()
	list, err := s.streams(ctx, q)
	s.done(&Operation{Name: "streams", Events: len(list), Err: err}, start)
	return list, err
}

func (s *Store) streams(ctx context.Context, q StreamQuery) ([]StreamInfo, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit == 0 {
		limit = s.opts.MaxReadBatch
	}
	if limit < 1 || limit > s.opts.MaxReadBatch {
		return nil, fmt.Errorf("%w: limit %d, want 1 to %d", ErrInvalidBatchSize, limit, s.opts.MaxReadBatch)
	}
	conds := []string{"s.stream_id > ?"}
	args := []any{q.After}
	if q.Prefix != "" {
		conds = append(conds, "s.stream_id >= ? AND s.stream_id < ?")
		args = append(args, q.Prefix, q.Prefix+"\xff")
	}
	if q.GuildID != "" {
		conds = append(conds, "s.guild_id = ?")
		args = append(args, q.GuildID)
	}
	args = append(args, limit)
	var rows []streamRow
	err := s.rdb.SelectContext(ctx, &rows,
		"SELECT "+streamColumns+streamFrom+" WHERE "+strings.Join(conds, " AND ")+" ORDER BY s.stream_id LIMIT ?", args...)
	if err != nil {
		return nil, queryError(ctx, err)
	}
	list := make([]StreamInfo, len(rows))
	for i, r := range rows {
		list[i] = r.info()
	}
	return list, nil
}
