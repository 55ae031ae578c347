package eventstore

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
)

// maxGroup bounds how many waiting requests one commit carries.
const maxGroup = 256

// writeRequest is one unit of write work for the writer goroutine: an
// append, a delete, or a Tx. op runs inside the group's transaction.
type writeRequest struct {
	ctx   context.Context
	op    func(w *writeTx) error
	err   error
	done  chan struct{}
	state atomic.Int32 // queued, then started by the writer or abandoned by the caller
	// oneStatement says op writes with at most one statement that can fail
	// without breaking the transaction, and nothing before it: SQLite backs
	// out a failed statement by itself, so op needs no savepoint.
	oneStatement bool
}

// The states of a writeRequest. Whoever moves it out of queued decides: the
// writer runs it, or the caller has gone and it is never run.
const (
	queued int32 = iota
	started
	abandoned
)

// writeTx is the transaction a write request runs in, shared by every
// request of one group.
type writeTx struct {
	store *Store
	tx    *sql.Tx
	now   time.Time               // the commit time of the group
	bound map[*sql.Stmt]*sql.Stmt // writerStmts bound to tx, by statement
}

// writerStmts are the statements of the write hot path, prepared once on
// the writer's single connection: for one-row statements preparing costs
// about as much as running them. Only the writer goroutine uses them.
type writerStmts struct {
	savepoint, release *sql.Stmt
	stream, create     *sql.Stmt
	// insert[k] inserts 1<<k event rows in one statement.
	insert [maxInsertShift + 1]*sql.Stmt
	args   []any // scratch for the insert's arguments
}

// prepare prepares the statements used by every append.
func (st *writerStmts) prepare(db *sqlx.DB) error {
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&st.savepoint, "SAVEPOINT request"},
		{&st.release, "RELEASE request"},
		{&st.stream, streamStateQuery},
		{&st.create, createStreamQuery},
	} {
		var err error
		if *p.stmt, err = db.Prepare(p.query); err != nil {
			return translate(err)
		}
	}
	for k := range st.insert {
		var err error
		if st.insert[k], err = db.Prepare(insertEventsQuery(1 << k)); err != nil {
			return translate(err)
		}
	}
	return nil
}

// close closes the prepared statements; the writer must have ended.
func (st *writerStmts) close() {
	for _, s := range append([]*sql.Stmt{st.savepoint, st.release, st.stream, st.create}, st.insert[:]...) {
		if s != nil {
			s.Close()
		}
	}
}

// stmt returns the writer's prepared statement s bound to the group's
// transaction. Binding reuses the statement prepared on the connection;
// the bound copy is kept for the rest of the group.
func (w *writeTx) stmt(s *sql.Stmt) *sql.Stmt {
	if b, ok := w.bound[s]; ok {
		return b
	}
	if w.bound == nil {
		w.bound = make(map[*sql.Stmt]*sql.Stmt, 8)
	}
	b := w.tx.StmtContext(context.Background(), s)
	w.bound[s] = b
	return b
}

// fatalError marks an error after which the group's transaction cannot be
// trusted: it is rolled back as a whole and every request in it fails.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }
func (e *fatalError) Unwrap() error { return e.err }

// runWriter is the writer goroutine. It takes the first waiting request,
// then every other request already waiting (without waiting for more: a lone
// append is committed at once), and commits them in one transaction.
func (s *Store) runWriter() {
	defer close(s.writerDone)
	group := make([]*writeRequest, 0, maxGroup)
	for {
		select {
		case r := <-s.reqs:
			group = append(group[:0], r)
		case <-s.quit:
			s.failQueued()
			return
		}
		// Let the goroutines that are runnable right now — appenders just
		// answered by the last commit, encoding their next events — reach
		// the queue before it is drained. Without this the groups of a
		// steady load alternate between one request and all the others,
		// halving what each commit carries. It yields, never sleeps: with
		// nothing else runnable a lone append goes on at once.
		runtime.Gosched()
	drain:
		for len(group) < maxGroup {
			select {
			case r := <-s.reqs:
				group = append(group, r)
			default:
				break drain
			}
		}
		s.commitGroup(group)
		clear(group)
	}
}

// failQueued answers every request still queued at Close.
func (s *Store) failQueued() {
	for {
		select {
		case r := <-s.reqs:
			r.err = errClosed
			close(r.done)
		default:
			return
		}
	}
}

// commitGroup runs the requests of one group in one transaction. Each
// request runs inside its own savepoint, so one that fails (a wrong expected
// version, say) is rolled back alone; the others commit together. A request
// that writes with one statement at most (oneStatement) needs none: a failed
// statement leaves nothing behind. Nobody is answered before the commit is
// durable.
func (s *Store) commitGroup(group []*writeRequest) {
	bg := context.Background() // statements are never interrupted mid-group
	finish := func(err error) {
		for _, r := range group {
			if err != nil && r.err == nil {
				r.err = err
			}
			close(r.done)
		}
	}
	tx, err := s.wdb.BeginTx(bg, nil) // BEGIN IMMEDIATE (see dsn)
	if err != nil {
		finish(translate(err))
		return
	}
	w := &writeTx{store: s, tx: tx, now: s.now()}
	single := len(group) == 1
	committed := 0
	for _, r := range group {
		if !r.state.CompareAndSwap(queued, started) {
			continue // its caller was cancelled and has gone
		}
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		savepoint := !single && !r.oneStatement
		if savepoint {
			if _, err := w.stmt(s.wstmts.savepoint).ExecContext(bg); err != nil {
				tx.Rollback()
				finish(translate(err))
				return
			}
		}
		err := r.op(w)
		var fatal *fatalError
		if errors.As(err, &fatal) || isTransient(err) {
			// The transaction may be broken: nothing of the group commits.
			tx.Rollback()
			finish(err)
			return
		}
		if single {
			r.err = err
			if err != nil {
				tx.Rollback()
				close(r.done)
				return
			}
			committed++
			break
		}
		if err != nil {
			r.err = err
			if !savepoint {
				continue
			}
			if _, rerr := tx.ExecContext(bg, "ROLLBACK TO request; RELEASE request"); rerr != nil {
				tx.Rollback()
				finish(translate(rerr))
				return
			}
			continue
		}
		if savepoint {
			if _, err := w.stmt(s.wstmts.release).ExecContext(bg); err != nil {
				tx.Rollback()
				finish(translate(err))
				return
			}
		}
		committed++
	}
	if committed == 0 {
		tx.Rollback()
		finish(nil)
		return
	}
	if err := tx.Commit(); err != nil {
		finish(translate(err))
		return
	}
	s.stats.commits.Add(1)
	s.stats.requests.Add(int64(committed))
	s.commits.broadcast()
	finish(nil)
}

// submit queues a write and waits for its answer. When ctx is cancelled
// while the write is still queued, submit withdraws it and returns at once;
// once the writer has started it, the caller waits for the verdict: a write
// that was started is reported as it ended, never guessed.
func (s *Store) submit(ctx context.Context, oneStatement bool, op func(w *writeTx) error) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	r := &writeRequest{ctx: ctx, op: op, done: make(chan struct{}), oneStatement: oneStatement}
	select {
	case s.reqs <- r:
	case <-s.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-r.done:
	case <-ctx.Done():
		if r.state.CompareAndSwap(queued, abandoned) {
			return ctx.Err()
		}
		<-r.done // started: wait for the verdict
	case <-s.writerDone:
		// The writer ended; it may still have answered r on its way out.
		select {
		case <-r.done:
		default:
			return errClosed
		}
	}
	return r.err
}

// write submits fn and retries it on transient failures (see retry),
// counting the retries in op.
func (s *Store) write(ctx context.Context, op *Operation, fn func(w *writeTx) error) error {
	return s.writeRequest(ctx, op, false, fn)
}

// writeRequest is write, for an fn that may declare itself oneStatement
// (see writeRequest.oneStatement).
func (s *Store) writeRequest(ctx context.Context, op *Operation, oneStatement bool, fn func(w *writeTx) error) error {
	return s.retry(ctx, op, "write", func() error { return s.submit(ctx, oneStatement, fn) })
}

// exec runs a statement in the group's transaction, translating errors.
func (w *writeTx) exec(query string, args ...any) (sql.Result, error) {
	res, err := w.tx.ExecContext(context.Background(), query, args...)
	return res, translate(err)
}

// QueryContext implements queryer, so reads inside a Tx see its writes.
func (w *writeTx) QueryContext(_ context.Context, query string, args ...any) (*sql.Rows, error) {
	return w.tx.QueryContext(context.Background(), query, args...)
}

// QueryRowContext implements queryer.
func (w *writeTx) QueryRowContext(_ context.Context, query string, args ...any) *sql.Row {
	return w.tx.QueryRowContext(context.Background(), query, args...)
}

// savepoint runs fn inside a nested savepoint and rolls it back when fn
// fails, so fn's work is all or nothing within the enclosing transaction.
func (w *writeTx) savepoint(fn func() error) error {
	if _, err := w.exec("SAVEPOINT nested"); err != nil {
		return &fatalError{err}
	}
	if err := fn(); err != nil {
		if _, rerr := w.exec("ROLLBACK TO nested; RELEASE nested"); rerr != nil {
			return &fatalError{rerr}
		}
		return err
	}
	if _, err := w.exec("RELEASE nested"); err != nil {
		return &fatalError{err}
	}
	return nil
}
