package main

import (
	"regexp"
	"testing"
)

// fileSize matches the file sizes stats prints, which change with the
// SQLite layout of the schema rather than with what the command does.
var fileSize = regexp.MustCompile(`fixture\.db, [0-9.]+ KiB|"file_bytes": [0-9]+`)

func TestStats_Golden(t *testing.T) {
	dir, db := fixtureDB(t)
	mask := func(s string) string { return fileSize.ReplaceAllString(s, "SIZE") }
	r := mustRun(t, 0, dir, "", "stats", "-db", db)
	checkGolden(t, "stats", "fixture", mask(r.stdout))
	r = mustRun(t, 0, dir, "", "stats", "-db", db, "-json")
	checkGolden(t, "stats", "json", mask(r.stdout))
}
