package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestArchiveRestore(t *testing.T) {
	dir, db := fixtureDB(t)
	before := mustRun(t, 0, dir, "", "export", "-db", db, "-stream", "game-ko").stdout
	file := filepath.Join(dir, "game-ko.jsonl")

	var out strings.Builder
	out.WriteString(mustRun(t, 0, dir, "", "archive", "-db", db, "-o", file, "game-ko").stdout)
	archived, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(archived) != before {
		t.Fatal("the archive is not the stream's export")
	}
	mustRun(t, 1, dir, "", "info", "-db", db, "game-ko")

	out.WriteString(mustRun(t, 0, dir, "", "restore", "-db", db, "-now", fixedNow, file).stdout)
	out.WriteString(mustRun(t, 0, dir, "", "restore", "-db", db, "-now", fixedNow, file).stdout) // a no-op
	checkGolden(t, "archive", "round_trip", out.String())

	// Same ids and versions; new positions.
	after := mustRun(t, 0, dir, "", "read", "-db", db, "game-ko", "-json").stdout
	if got, want := idsAndVersions(after), idsAndVersions(before); got != want {
		t.Fatalf("restored stream differs in ids or versions:\n got %s\nwant %s", got, want)
	}
	mustRun(t, 0, dir, "", "verify", "-db", db)
}

// idsAndVersions extracts "version:event_id" of every envelope line.
func idsAndVersions(jsonl string) string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		v := between(line, `"stream_version":`, ",")
		id := between(line, `"event_id":"`, `"`)
		out = append(out, v+":"+id)
	}
	return strings.Join(out, " ")
}

func between(s, start, end string) string {
	_, after, _ := strings.Cut(s, start)
	v, _, _ := strings.Cut(after, end)
	return v
}

func TestArchive_Errors(t *testing.T) {
	dir, db := fixtureDB(t)
	existing := filepath.Join(dir, "taken.jsonl")
	if err := os.WriteFile(existing, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// An existing file is never overwritten, and the stream stays.
	mustRun(t, 1, dir, "", "archive", "-db", db, "-o", existing, "game-duo")
	if b, _ := os.ReadFile(existing); string(b) != "keep me\n" {
		t.Fatalf("the existing file was changed: %q", b)
	}
	mustRun(t, 0, dir, "", "info", "-db", db, "game-duo")

	// A missing stream leaves no file behind.
	missing := filepath.Join(dir, "missing.jsonl")
	r := mustRun(t, 1, dir, "", "archive", "-db", db, "-o", missing, "game-nope")
	if !strings.Contains(r.stderr, "stream not found") {
		t.Fatalf("stderr: %q", r.stderr)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatalf("a failed archive left its file: %v", err)
	}

	// A restore of a broken archive names the line and restores nothing.
	broken := filepath.Join(dir, "broken.jsonl")
	if err := os.WriteFile(broken, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = mustRun(t, 1, dir, "", "restore", "-db", db, broken)
	if !strings.Contains(r.stderr, "line 1") || !strings.Contains(r.stderr, "nothing restored") {
		t.Fatalf("stderr: %q", r.stderr)
	}
}
