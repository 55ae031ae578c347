#!/bin/sh
# Runs the benchmark suite of PERF.md and prints the store/raw ratio table.
#
#   scripts/bench.sh                 # all benchmarks, -count 5, into bench.out
#   COUNT=10 BENCH='Append' OUT=append.out scripts/bench.sh
#
# The raw output stays in $OUT for benchstat:
#   go tool benchstat old.out new.out
set -eu
cd "$(dirname "$0")/.."
count=${COUNT:-5}
bench=${BENCH:-.}
out=${OUT:-bench.out}
go test -run '^$' -bench "$bench" -benchmem -count "$count" -timeout 60m . | tee "$out"
echo
go run ./internal/benchratio "$out"
