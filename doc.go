// Package eventstore is an embedded, single-file event store on SQLite for
// the GameBot Discord game bot: every game is an append-only stream of
// versioned domain events, kept in one file beside the bot, with no server
// and no cgo.
//
// # Basics
//
// [Open] a file once per process, [Store.Append] events to a stream with an
// expected version, read them back with [Store.ReadStream] or the global
// order with [Store.ReadAll], and [Store.Close] the store when done:
//
//	s, err := eventstore.Open("gamebot.db", nil) // nil: all defaults
//	res, err := s.Append(ctx, "game-1", eventstore.NoStream, started, round)
//	events, err := s.ReadStream(ctx, "game-1", 1, 100)
//
// Events are Go values implementing [Event]. The eight GameBot events
// ([GameStarted], [RoundStarted], [GuessProcessed], [GuessAbandoned],
// [TeamEliminated], [GameCompleted], [KnockoutRoundCompleted],
// [RaceModeTimeExpired]) are registered by default; other types can be
// registered in a [Registry] and passed through [Options.Serializer].
//
// # Streams and versions
//
// A stream id is non-empty UTF-8 of at most 255 bytes without control
// characters; ids starting with '$' are reserved ([ValidateStreamID]). Each
// event has a stream version (1, 2, 3, … within its stream, no gaps) and a
// global position (1, 2, 3, … across the store, in commit order, never
// reused). A stream's version is its last event's; an absent stream has
// version 0. An event's schema version ([Event.EventVersion]) is stored
// apart from both.
//
// Streams end in one of two ways. A soft delete ([SoftDelete]) marks the
// stream deleted: reads and appends fail with [ErrStreamDeleted], the events
// stay in the global order. A hard delete ([HardDelete]) removes the events;
// the id may be used again from version 1 and positions keep increasing.
//
// # Concurrency
//
// A [Store] is safe for concurrent use. Appends use optimistic concurrency:
// the expected version ([Any], [NoStream], [StreamExists] or an exact
// version) is checked in the same write transaction as the insert, so of
// several writers expecting the same version exactly one wins and the others
// get a [*VersionError]. One writer goroutine owns the write connection and
// commits the appends that wait at the same moment in one transaction
// (group commit), each in its own savepoint, so a failing append fails alone
// and nobody is answered before the commit is durable. Reads run on a pool
// of reader connections and never wait for writes (WAL mode).
//
// [Store.Tx] groups work on several streams into one atomic transaction,
// retried on transient failures (busy, locked, I/O). Appends are idempotent
// on the metadata event id: retrying an append that committed returns the
// original result.
//
// # Reading
//
// [Store.ReadStream] and [Store.ReadAll] return at most count events;
// their backward twins read in descending order from -1, the end.
// [Store.StreamEvents] and [Store.AllEvents] are iterators that read in
// batches and hold constant memory. A [Filter] narrows global reads by event
// type, stream-id prefix (a literal byte prefix) or guild.
// [Store.StreamVersion], [Store.StreamInfo] and [Store.Streams] describe
// streams without reading their events.
//
// # Replay, snapshots and subscriptions
//
// [Replay] folds a stream's events, in order and in constant memory, into a
// state of the caller's; it fails, naming stream, version and position,
// rather than return a partial state. A [Recoverer] adds snapshots
// ([Store.SaveSnapshot], [Store.LoadSnapshot]): recovery starts from the
// newest snapshot of the state's schema version and replays only the later
// events. A snapshot is tied to the exact event it was taken at, so hard
// deletes and reused stream ids never resurrect stale state, and a snapshot
// of another state schema version is ignored.
//
// [Store.Subscribe] delivers the events of one stream or of [AllStreams],
// with a [Filter], first those stored (catch-up) and then each one as it
// commits (live), in global position order and each once. Delivery is
// pull-style ([Subscription.Next] or range over [Subscription.Events]), so a
// slow consumer never makes memory grow. A commit of this Store wakes its
// subscriptions at once; commits of other processes sharing the file are
// seen every [Options.PollInterval]. [Store.SubscribeNamed] keeps a
// checkpoint in the file: [Subscription.Ack] the position of what was
// handled, and a restart resumes after it (at-least-once, in order, never
// skipping an event).
//
// # Game recovery
//
// [RecoverGame] folds a game stream into a [GameState] (teams, per-team
// score, matches and guesses, round, eliminated teams, winners, used words,
// status) and checks the rules of a game stream in a fixed order (the Rule
// constants): contiguous versions, game_started first, one game, guild and
// mode, rounds and timestamps that never go back, declared teams, no team
// acting after its elimination, causation ids that point backwards, nothing
// after game_completed but race mode's expiry. The first broken rule is a
// [*RecoveryError] naming stream, version, position and rule, matching
// [ErrCorruptStream]; a partial state is never returned. RecoverGame starts
// from the newest game snapshot ([SaveGameSnapshot], [Options.SnapshotEvery])
// and folds only the later events; [RecoverGameFrom] with a nil state checks
// a stream from its first event.
//
// # Versioning
//
// A [Serializer] turns events into bytes; the default [JSONSerializer] is
// deterministic (UTC times with microseconds, sorted sets and keys). A
// [Registry] maps (event type, schema version) to a Go type and holds
// migrations between schema versions; data stored with an older version is
// upcast on read along the shortest path of migrations. [Marshal],
// [Unmarshal] and the JSONL reader and writer give the self-describing
// envelope format used for export, import and test data.
//
// The file records its own schema version: opening an older file migrates
// it, and a newer one is refused.
//
// # Errors
//
// Every error a caller can act on matches one sentinel with [errors.Is]:
// validation ([ErrInvalidStreamID], [ErrInvalidStartVersion],
// [ErrInvalidBatchSize], [ErrInvalidExpectedVersion]), concurrency
// ([ErrWrongExpectedVersion], [ErrStreamNotFound], [ErrStreamDeleted],
// [ErrDuplicateEvent], [ErrStreamTooLarge]), infrastructure ([ErrConnection],
// [ErrSerializationFailed], [ErrDeserializationFailed]) and domain
// ([ErrInvalidEventType], [ErrInvalidEventData], [ErrNoMigrationPath],
// [ErrSnapshotNotFound]). Typed errors carry details for [errors.As]:
// [*VersionError], [*EventError], [*ValidationError], [*DecodeError],
// [*GuildError].
//
// # Testing
//
// Open ":memory:" for a private in-memory store, or a file in a temporary
// directory for the real thing. Set [Options.Now] to a fixed clock for
// reproducible commit times. Game streams kept as JSONL envelopes under
// testdata/ can be read with [ReadJSONL] and appended to a fresh store.
//
// # Caveats
//
// A Tx function runs on the writer goroutine while every other write waits:
// keep it short, and never call the Store's own write methods from inside
// it (use the [Tx] methods). Open a file from one Store per process; several
// processes may share a file, each with its own Store, at the cost of lock
// contention.
package eventstore
