package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/gamebot/eventstore
BenchmarkAppend/batch=1-2        	     100	   1000000 ns/op	      900.0 events/s	   21536 B/op	     240 allocs/op
BenchmarkAppend/batch=1-2        	     100	   1000000 ns/op	     1000 events/s	   21536 B/op	     240 allocs/op
BenchmarkAppend/batch=1-2        	     100	   1000000 ns/op	      100.0 events/s	   21536 B/op	     240 allocs/op
BenchmarkRawInsert/batch=1-2     	     100	    435717 ns/op	     1000 events/s	    2144 B/op	      58 allocs/op
BenchmarkRawInsert/batch=1-2     	     100	    435717 ns/op	     1200 events/s	    2144 B/op	      58 allocs/op
--- BENCH: BenchmarkReadStream/events=10000-2
    bench_test.go:428: fixture of 10000 events built in 208ms
BenchmarkAllEventsHeap/events=1000000-2 	1	19248978090 ns/op	     51951 events/s	         4.747 peak-heap-MiB	3231115008 B/op	43020378 allocs/op
BenchmarkOpen/events=1000000-2   	    1000	    798194 ns/op	   31456 B/op	     196 allocs/op
BenchmarkPaired/store-2	1	1 ns/op	1000 events/s
BenchmarkPaired/raw-2	1	1 ns/op	500 events/s
BenchmarkPaired/store-2	1	1 ns/op	100 events/s
BenchmarkPaired/raw-2	1	1 ns/op	1000 events/s
BenchmarkPaired/store-2	1	1 ns/op	3000 events/s
BenchmarkPaired/raw-2	1	1 ns/op	2000 events/s
PASS
`

func TestParse(t *testing.T) {
	r, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, unit string
		want       float64
		wantN      int
	}{
		{"Append/batch=1", "events/s", 900, 3},
		{"RawInsert/batch=1", "events/s", 1100, 2},
		{"AllEventsHeap/events=1000000", "peak-heap-MiB", 4.747, 1},
		{"Open/events=1000000", "ns/op", 798194, 1},
	}
	for _, tt := range tests {
		got, n, ok := r.median(tt.name, tt.unit)
		if !ok || got != tt.want || n != tt.wantN {
			t.Errorf("median(%s, %s) = %v, %d, %v; want %v, %d", tt.name, tt.unit, got, n, ok, tt.want, tt.wantN)
		}
	}
	if _, _, ok := r.median("ReadStream/events=10000", "events/s"); ok {
		t.Error("a --- BENCH log line was taken for a result")
	}
}

func TestTable(t *testing.T) {
	r, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	got := table(r, []target{
		{id: "P1", workload: "append", store: "Append/batch=1", raw: "RawInsert/batch=1", unit: "events/s", goal: 0.90},
		{id: "P2", workload: "paired", store: "Paired/store", raw: "Paired/raw", unit: "events/s", goal: 0.75},
		{id: "P6", workload: "heap", store: "AllEventsHeap/events=1000000", unit: "peak-heap-MiB", shownUnit: "MiB", kind: below, goal: 64},
		{id: "P7", workload: "recover", store: "RecoverGame/x", raw: "RecoverGame/y", unit: "ns/op", kind: fasterRatio, goal: 20},
		{id: "P8", workload: "open", store: "Open/events=1000000", unit: "ns/op", scale: 1e-6, shownUnit: "ms", kind: below, goal: 50},
	})
	want := `| # | workload | store | raw | ratio | target | met |
|---|---|---|---|---|---|---|
| P1 | append | 900 events/s (n=3) | 1,100 events/s (n=2) | 0.82× | ≥ 0.90× | **no** |
| P2 | paired | 1,000 events/s (n=3) | 1,000 events/s (n=3) | 1.50× | ≥ 0.75× | yes |
| P6 | heap | 4.7 MiB (n=1) | – | – | < 64 MiB | yes |
| P7 | recover | not measured | | | ≥ 20.00× | – |
| P8 | open | 0.8 ms (n=1) | – | – | < 50 ms | yes |
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

func TestTrimProcs(t *testing.T) {
	for in, want := range map[string]string{
		"Append/batch=1-2":        "Append/batch=1",
		"Append/batch=1":          "Append/batch=1",
		"Open/events=1000000-16":  "Open/events=1000000",
		"Recover/mode=two-player": "Recover/mode=two-player",
	} {
		if got := trimProcs(in); got != want {
			t.Errorf("trimProcs(%q) = %q, want %q", in, got, want)
		}
	}
}
