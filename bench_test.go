package eventstore_test

// The benchmark suite of PERF.md. Every store benchmark has a raw SQLite
// baseline beside it, on the same driver, pragmas, row shape and payload, so
// that the figures compare as store ÷ raw within one run (scripts/bench.sh
// prints the table). Each reports events/s and allocations.
//
// Fixtures are built once per run with raw bulk inserts (an INSERT … SELECT
// over a recursive CTE: no per-row round trips) under a temporary directory
// removed by TestMain.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
)

// benchEvent is the payload of every benchmark: GameBot's guess_processed,
// the most frequent event of a game, about 420 bytes of JSON data with
// about 150 bytes of metadata.
type benchEvent = eventstore.GuessProcessed

// newBenchEvent returns the benchmark event; the store assigns its id.
func newBenchEvent() *benchEvent {
	score := 4
	return &benchEvent{
		Base: eventstore.Base{
			GameID:      "g-4f1a9e",
			GuildID:     "1183470521874305024",
			Mode:        eventstore.ModeTwoPlayer,
			RoundNumber: 3,
			Timestamp:   testClock.Add(-time.Minute).Add(123456 * time.Microsecond),
			Metadata: eventstore.Metadata{
				SourceID:      "1183470599012345678",
				CorrelationID: "c-4f1a9e",
				CausationID:   "c-4f1a9f",
				ActorID:       "u-5031",
				GuildID:       "g-5024",
			},
		},
		TeamID:          "t-1",
		Player1ID:       "1183470521874305031",
		Player2ID:       "1183470521874305032",
		Player1Word:     "moon",
		Player2Word:     "moon",
		GuessSuccessful: true,
		MatchScore:      &score,
		GuessCount:      3,
		RoundGuessCount: 7,
		TotalGuesses:    12,
		GuessDuration:   4521,
		Player1Duration: 2100,
		Player2Duration: 2421,
	}
}

// benchPayload is the benchmark event as stored: data and metadata bytes,
// the metadata with a 36-byte event id like the store's UUIDs.
func benchPayload(tb testing.TB) (data, meta []byte) {
	tb.Helper()
	e := newBenchEvent()
	data, err := json.Marshal(e)
	if err != nil {
		tb.Fatal(err)
	}
	m := e.Metadata
	m.EventID = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
	if meta, err = json.Marshal(m); err != nil {
		tb.Fatal(err)
	}
	return data, meta
}

// benchOptions are the store's defaults (durable: synchronous=FULL) with
// the benchmark event registered.
func benchOptions(tb testing.TB) *eventstore.Options {
	tb.Helper()
	return &eventstore.Options{Now: func() time.Time { return testClock }}
}

// openBench opens a store on path for a benchmark and closes it at cleanup.
func openBench(b *testing.B, path string) *eventstore.Store {
	b.Helper()
	s, err := eventstore.Open(path, benchOptions(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// reportEvents reports the events/s metric and allocations.
func reportEvents(b *testing.B, events int) {
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// rawDSN is the connection string of a raw baseline: the store's pragmas
// (WAL, synchronous=FULL, busy timeout, foreign keys) and BEGIN IMMEDIATE.
func rawDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// openRaw opens a raw connection pool of one connection on path, creating
// the store's schema when the file is new.
func openRaw(b *testing.B, path string) *sql.DB {
	b.Helper()
	db, err := sql.Open("sqlite", rawDSN(path))
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	b.Cleanup(func() { db.Close() })
	var n int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'events'").Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n == 0 {
		schema, err := os.ReadFile("schema.sql")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Exec(string(schema)); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

const rawInsert = `INSERT INTO events (stream_id, version, event_id, event_type, schema_version, guild_id, data, metadata, created_at)
	VALUES (?, ?, ?, 'guess_processed', 1, ?, ?, ?, ?)`

// rawEventID returns a distinct 36-byte event id, as long as a UUID.
func rawEventID(prefix string, i int64) string {
	s := prefix + strconv.FormatInt(i, 10)
	for len(s) < 36 {
		s += "-"
	}
	return s
}

func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1, 10, 100, 1000} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			s := openBench(b, filepath.Join(b.TempDir(), "store.db"))
			events := make([]eventstore.Event, n)
			for i := range events {
				events[i] = newBenchEvent()
			}
			stream, version, total := 0, int64(0), 0
			for b.Loop() {
				if version+int64(n) > eventstore.DefaultMaxStreamSize {
					stream, version = stream+1, 0
				}
				res, err := s.Append(ctx, "game-"+strconv.Itoa(stream), eventstore.ExpectedVersion(version), events...)
				if err != nil {
					b.Fatal(err)
				}
				version, total = res.Version, total+n
			}
			reportEvents(b, total)
		})
	}
}

func BenchmarkRawInsert(b *testing.B) {
	data, meta := benchPayload(b)
	for _, n := range []int{1, 10, 100, 1000} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			db := openRaw(b, filepath.Join(b.TempDir(), "raw.db"))
			stmt, err := db.Prepare(rawInsert)
			if err != nil {
				b.Fatal(err)
			}
			defer stmt.Close()
			var id int64
			total := 0
			created := testClock.UnixMicro()
			for b.Loop() {
				tx, err := db.Begin()
				if err != nil {
					b.Fatal(err)
				}
				ins := tx.Stmt(stmt)
				for range n {
					id++
					if _, err := ins.Exec("game-1", id, rawEventID("raw-", id), "1183470521874305024", data, meta, created); err != nil {
						b.Fatal(err)
					}
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
				total += n
			}
			reportEvents(b, total)
		})
	}
}

// parallel runs total units of work over writers goroutines, each calling
// work with its index, and returns when all are done.
func parallel(b *testing.B, writers, total int, work func(w int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for next.Add(1) <= int64(total) {
				if err := work(w); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkAppendConcurrent(b *testing.B) {
	ctx := context.Background()
	for _, writers := range []int{8, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			b.ReportAllocs()
			s := openBench(b, filepath.Join(b.TempDir(), "store.db"))
			versions := make([]int64, writers)
			streams := make([]int, writers)
			events := make([]eventstore.Event, writers)
			for w := range events {
				events[w] = newBenchEvent()
			}
			commits0, _ := eventstore.CommitStats(s)
			b.ResetTimer()
			parallel(b, writers, b.N, func(w int) error {
				if versions[w] == eventstore.DefaultMaxStreamSize {
					streams[w], versions[w] = streams[w]+1, 0
				}
				id := "game-" + strconv.Itoa(w) + "-" + strconv.Itoa(streams[w])
				res, err := s.Append(ctx, id, eventstore.ExpectedVersion(versions[w]), events[w])
				versions[w] = res.Version
				return err
			})
			b.StopTimer()
			reportEvents(b, b.N)
			// How well group commit merged the appends.
			commits, _ := eventstore.CommitStats(s)
			b.ReportMetric(float64(b.N)/float64(commits-commits0), "events/commit")
		})
	}
}

func BenchmarkRawInsertConcurrent(b *testing.B) {
	data, meta := benchPayload(b)
	for _, writers := range []int{8, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			b.ReportAllocs()
			path := filepath.Join(b.TempDir(), "raw.db")
			openRaw(b, path) // creates the schema
			stmts := make([]*sql.Stmt, writers)
			for w := range stmts {
				db := openRaw(b, path)
				st, err := db.Prepare(rawInsert)
				if err != nil {
					b.Fatal(err)
				}
				stmts[w] = st
			}
			versions := make([]int64, writers)
			var ids atomic.Int64
			created := testClock.UnixMicro()
			b.ResetTimer()
			// A connection per writer, one row per transaction: SQLite's busy
			// handler arbitrates the write lock.
			parallel(b, writers, b.N, func(w int) error {
				versions[w]++
				id := ids.Add(1)
				_, err := stmts[w].Exec("raw-"+strconv.Itoa(w), versions[w], rawEventID("raw-", id), "1183470521874305024", data, meta, created)
				return err
			})
			b.StopTimer()
			reportEvents(b, b.N)
		})
	}
}

// fixtures holds the store files built for this run, by size, in a
// temporary directory TestMain removes. When EVENTSTORE_BENCH_FIXTURES
// names a directory, fixtures are kept there and reused across runs
// (scripts/bench.sh runs the suite several times over).
var fixtures struct {
	mu      sync.Mutex
	dir     string
	paths   map[string]string
	persist bool
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtures.dir != "" && !fixtures.persist {
		os.RemoveAll(fixtures.dir)
	}
	os.Exit(code)
}

// fixture returns the path of a closed store file holding events benchmark
// events in streams of streamSize events (the last one possibly shorter),
// building it on first use.
func fixture(b *testing.B, events, streamSize int) string {
	b.Helper()
	fixtures.mu.Lock()
	defer fixtures.mu.Unlock()
	key := fmt.Sprintf("%d-%d", events, streamSize)
	if p, ok := fixtures.paths[key]; ok {
		return p
	}
	if fixtures.dir == "" {
		dir := os.Getenv("EVENTSTORE_BENCH_FIXTURES")
		fixtures.persist = dir != ""
		if dir == "" {
			var err error
			if dir, err = os.MkdirTemp("", "eventstore-bench-"); err != nil {
				b.Fatal(err)
			}
		}
		fixtures.dir, fixtures.paths = dir, make(map[string]string)
	}
	path := filepath.Join(fixtures.dir, key+".db")
	if _, err := os.Stat(path); err == nil && fixtures.persist {
		fixtures.paths[key] = path // built by an earlier run
		return path
	}
	start := time.Now()
	// Built under another name, so a run stopped halfway leaves no
	// fixture behind for the next.
	tmp := path + ".tmp"
	os.Remove(tmp)
	buildFixture(b, tmp, events, streamSize)
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("fixture of %d events built in %v", events, time.Since(start).Round(time.Millisecond))
	fixtures.paths[key] = path
	return path
}

// buildFixture writes a store file with raw bulk inserts: the schema, the
// marks Open looks for, the events and their stream rows.
func buildFixture(b *testing.B, path string, events, streamSize int) {
	data, meta := benchPayload(b)
	schema, err := os.ReadFile("schema.sql")
	if err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	created := testClock.UnixMicro()
	stmts := []struct {
		query string
		args  []any
	}{
		{string(schema), nil},
		{"PRAGMA application_id = 0x47424553; PRAGMA user_version = 1", nil},
		// Stream s holds versions 1…streamSize; event ids are distinct
		// 36-byte strings.
		{`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
		  INSERT INTO events (stream_id, version, event_id, event_type, schema_version, guild_id, data, metadata, created_at)
		  SELECT 'game-' || (i / ?), i % ? + 1, printf('%036d', i), 'guess_processed', 1, '1183470521874305024', ?, ?, ?
		  FROM n`, []any{events, streamSize, streamSize, data, meta, created}},
		{`INSERT INTO streams (stream_id, version, event_count, guild_id, created_at, updated_at)
		  SELECT stream_id, max(version), count(*), '1183470521874305024', ?, ? FROM events GROUP BY stream_id`,
			[]any{created, created}},
		{"PRAGMA wal_checkpoint(TRUNCATE)", nil},
	}
	for _, st := range stmts {
		if _, err := db.Exec(st.query, st.args...); err != nil {
			b.Fatalf("building the fixture: %v", err)
		}
	}
}

func BenchmarkReadStream(b *testing.B) {
	ctx := context.Background()
	b.Run("events=10000", func(b *testing.B) {
		b.ReportAllocs()
		s := openBench(b, fixture(b, 10000, 10000))
		total := 0
		for b.Loop() {
			// Pages of the default MaxReadBatch, as a caller would read.
			for from := int64(1); from <= 10000; from += eventstore.DefaultMaxReadBatch {
				recs, err := s.ReadStream(ctx, "game-0", from, eventstore.DefaultMaxReadBatch)
				if err != nil {
					b.Fatal(err)
				}
				if _, ok := recs[len(recs)-1].Event.(*benchEvent); !ok {
					b.Fatalf("decoded %T", recs[0].Event)
				}
				total += len(recs)
			}
		}
		reportEvents(b, total)
	})
}

// rawRecord is what the raw read baseline decodes a row into: the same
// structs the store fills.
type rawRecord struct {
	streamID, eventID, eventType, guildID string
	position, version, created            int64
	schemaVersion                         int
	event                                 *benchEvent
	meta                                  eventstore.Metadata
}

func BenchmarkRawReadDecode(b *testing.B) {
	b.Run("events=10000", func(b *testing.B) {
		b.ReportAllocs()
		db := openRaw(b, fixture(b, 10000, 10000))
		stmt, err := db.Prepare(`SELECT stream_id, position, version, event_id, event_type, schema_version, guild_id, data, metadata, created_at
			FROM events WHERE stream_id = ? AND version >= ? ORDER BY version`)
		if err != nil {
			b.Fatal(err)
		}
		defer stmt.Close()
		total := 0
		for b.Loop() {
			rows, err := stmt.Query("game-0", 1)
			if err != nil {
				b.Fatal(err)
			}
			var recs []rawRecord
			var data, meta sql.RawBytes
			for rows.Next() {
				var r rawRecord
				if err := rows.Scan(&r.streamID, &r.position, &r.version, &r.eventID, &r.eventType,
					&r.schemaVersion, &r.guildID, &data, &meta, &r.created); err != nil {
					b.Fatal(err)
				}
				r.event = &benchEvent{}
				if err := json.Unmarshal(data, r.event); err != nil {
					b.Fatal(err)
				}
				if err := json.Unmarshal(meta, &r.meta); err != nil {
					b.Fatal(err)
				}
				recs = append(recs, r)
			}
			if err := rows.Err(); err != nil {
				b.Fatal(err)
			}
			rows.Close()
			total += len(recs)
		}
		reportEvents(b, total)
	})
}

func BenchmarkReadAllStream(b *testing.B) {
	ctx := context.Background()
	b.Run("events=100000", func(b *testing.B) {
		b.ReportAllocs()
		s := openBench(b, fixture(b, 100000, 10000))
		total := 0
		for b.Loop() {
			for _, err := range s.AllEvents(ctx, 0, eventstore.Filter{}) {
				if err != nil {
					b.Fatal(err)
				}
				total++
			}
		}
		reportEvents(b, total)
	})
}

func BenchmarkRawScan(b *testing.B) {
	b.Run("events=100000", func(b *testing.B) {
		b.ReportAllocs()
		db := openRaw(b, fixture(b, 100000, 10000))
		total := 0
		for b.Loop() {
			rows, err := db.Query(`SELECT stream_id, position, version, event_id, event_type, schema_version, guild_id, data, metadata, created_at
				FROM events ORDER BY position`)
			if err != nil {
				b.Fatal(err)
			}
			var r rawRecord
			var data, meta sql.RawBytes
			for rows.Next() {
				if err := rows.Scan(&r.streamID, &r.position, &r.version, &r.eventID, &r.eventType,
					&r.schemaVersion, &r.guildID, &data, &meta, &r.created); err != nil {
					b.Fatal(err)
				}
				total++
			}
			if err := rows.Err(); err != nil {
				b.Fatal(err)
			}
			rows.Close()
		}
		reportEvents(b, total)
	})
}

// BenchmarkAllEventsHeap is P6: iterating a million events of $all must
// hold constant memory. It samples the heap while iterating and reports the
// peak (peak-heap-MiB; the target is below 64).
func BenchmarkAllEventsHeap(b *testing.B) {
	ctx := context.Background()
	b.Run("events=1000000", func(b *testing.B) {
		b.ReportAllocs()
		s := openBench(b, fixture(b, 1000000, 10000))
		var peak uint64
		var ms runtime.MemStats
		total := 0
		for b.Loop() {
			runtime.GC()
			for _, err := range s.AllEvents(ctx, 0, eventstore.Filter{}) {
				if err != nil {
					b.Fatal(err)
				}
				// ReadMemStats stops the world: sample every 5,000 events.
				if total++; total%5000 == 0 {
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapAlloc)
				}
			}
		}
		reportEvents(b, total)
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	})
}

// BenchmarkOpen is P8: opening a store of a million events must not scan
// it (the target is below 50 ms).
func BenchmarkOpen(b *testing.B) {
	b.Run("events=1000000", func(b *testing.B) {
		b.ReportAllocs()
		path := fixture(b, 1000000, 10000)
		opts := benchOptions(b)
		for b.Loop() {
			s, err := eventstore.Open(path, opts)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
}
