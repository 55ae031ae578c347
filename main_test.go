package eventstore_test

import "flag"

// update makes golden-file tests rewrite their files instead of comparing:
// go test -run TestName -update. Every golden test of the package uses it.
var update = flag.Bool("update", false, "rewrite golden files")
