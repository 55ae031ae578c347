package eventstore_test

import (
	"database/sql"
	"testing"

	_ "modernc.org/sqlite"
)

// checkIntegrity runs PRAGMA integrity_check on a closed store file.
func checkIntegrity(tb testing.TB, path string) {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Errorf("integrity check: %v", err)
		return
	}
	defer db.Close()
	var result string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&result); err != nil {
		tb.Errorf("integrity check: %v", err)
		return
	}
	if result != "ok" {
		tb.Errorf("integrity check of %s: %s", path, result)
	}
}

// rawDB opens a store file directly, for tests that inspect or damage it.
func rawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
