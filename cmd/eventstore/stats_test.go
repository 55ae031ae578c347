package main

import "testing"

func TestStats_Golden(t *testing.T) {
	dir, db := fixtureDB(t)
	r := mustRun(t, 0, dir, "", "stats", "-db", db)
	checkGolden(t, "stats", "fixture", r.stdout)
	r = mustRun(t, 0, dir, "", "stats", "-db", db, "-json")
	checkGolden(t, "stats", "json", r.stdout)
}
