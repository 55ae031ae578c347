#!/bin/sh
# Runs the benchmark suite of PERF.md and prints the store/raw ratio table
# (medians of events/s, store ÷ raw, with the targets P1–P8).
#
#   scripts/bench.sh                                   # everything, 5 runs
#   COUNT=10 BENCH='^Benchmark(Append|RawInsert)$' scripts/bench.sh
#
# The machines are shared and their load drifts, so instead of -count N
# (which runs each benchmark N times in a row, store runs then raw runs) the
# suite runs N times over, one pass after the other: every store benchmark
# sits next to its raw baseline in each pass. Fixtures are built once, in a
# temporary directory shared by the passes.
#
# The raw output stays in $OUT (bench.out) for benchstat:
#   go tool benchstat old.out new.out
set -eu
cd "$(dirname "$0")/.."
count=${COUNT:-5}
bench=${BENCH:-.}
out=${OUT:-bench.out}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/eventstore.test" .
mkdir "$tmp/fixtures"
: > "$out"
i=1
while [ "$i" -le "$count" ]; do
	echo "pass $i of $count" >&2
	EVENTSTORE_BENCH_FIXTURES="$tmp/fixtures" "$tmp/eventstore.test" \
		-test.run '^$' -test.bench "$bench" -test.benchmem -test.count 1 -test.timeout 60m | tee -a "$out"
	i=$((i + 1))
done
echo
go run ./internal/benchratio "$out"
