// Command benchratio reads the output of the benchmark suite (go test -bench,
// any -count) and prints the PERF.md targets as a markdown table: for each
// workload the median of the store benchmark, the median of its raw SQLite
// baseline from the same run, their ratio, the target and whether it is met.
//
// Usage:
//
//	benchratio [file]   (standard input when no file is given)
//
// scripts/bench.sh runs the suite and this command in one go.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	in := io.Reader(os.Stdin)
	if len(os.Args) > 1 {
		f, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchratio:", err)
			os.Exit(1)
		}
		defer f.Close()
		in = f
	}
	results, err := parse(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchratio:", err)
		os.Exit(1)
	}
	if len(results) == 0 {
		fmt.Fprintln(os.Stderr, "benchratio: no benchmark results in the input")
		os.Exit(1)
	}
	fmt.Print(table(results, targets))
	fmt.Println()
	fmt.Println("store and raw: medians over runs; ratio: median over runs of the ratio within each run.")
}

// results maps a benchmark name (without the -GOMAXPROCS suffix) to its
// samples per unit ("ns/op", "events/s", …), one sample per run.
type results map[string]map[string][]float64

// parse reads benchmark lines: name, iterations, then value-unit pairs.
// Other lines (headers, logs, PASS) are skipped.
func parse(r io.Reader) (results, error) {
	res := make(results)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") || len(fields)%2 != 0 {
			continue
		}
		if _, err := strconv.ParseInt(fields[1], 10, 64); err != nil {
			continue // a log line that happens to start with "Benchmark"
		}
		name := trimProcs(strings.TrimPrefix(fields[0], "Benchmark"))
		if res[name] == nil {
			res[name] = make(map[string][]float64)
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: value %q: %w", fields[0], fields[i], err)
			}
			res[name][fields[i+1]] = append(res[name][fields[i+1]], v)
		}
	}
	return res, sc.Err()
}

// trimProcs removes the "-N" GOMAXPROCS suffix go test adds to names.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

// median returns the median of the samples of name in unit, and false when
// there are none.
func (r results) median(name, unit string) (float64, int, bool) {
	s := r[name][unit]
	if len(s) == 0 {
		return 0, 0, false
	}
	return median(s), len(s), true
}

// ratio returns the median over runs of store ÷ raw (raw ÷ store for
// fasterRatio), pairing the i-th sample of each: the i-th pass of
// scripts/bench.sh ran both within a minute, under the same load of a
// shared machine, while load drifts between passes. Without as many
// samples of each, it is the ratio of the medians.
func (r results) ratio(t target) float64 {
	store, raw := r[t.store][t.unit], r[t.raw][t.unit]
	if len(store) != len(raw) {
		s, _, _ := r.median(t.store, t.unit)
		w, _, _ := r.median(t.raw, t.unit)
		store, raw = []float64{s}, []float64{w}
	}
	ratios := make([]float64, len(store))
	for i := range store {
		ratios[i] = store[i] / raw[i]
		if t.kind == fasterRatio {
			ratios[i] = raw[i] / store[i]
		}
	}
	return median(ratios)
}

// median returns the median of s, which must not be empty.
func median(s []float64) float64 {
	s = slices.Clone(s)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// kind says how a target is judged.
type kind int

const (
	// atLeastRatio: store ÷ raw of a higher-is-better metric must reach
	// the target.
	atLeastRatio kind = iota
	// fasterRatio: raw ÷ store of a time (lower is better) must reach the
	// target: "n× faster than".
	fasterRatio
	// below: the store's own figure must stay below the target.
	below
)

// target is one row of the table.
type target struct {
	id, workload string
	store, raw   string  // benchmark names; raw "" for absolute targets
	unit         string  // the metric compared
	scale        float64 // multiplies the shown figure (ns → ms)
	shownUnit    string
	kind         kind
	goal         float64 // 0: informational, no target
}

// targets are PERF.md's P1–P8, with the informational pairs between them.
var targets = []target{
	{id: "P1", workload: "Append, 1 event per call, durable", store: "Append/batch=1", raw: "RawInsert/batch=1", unit: "events/s", kind: atLeastRatio, goal: 0.90},
	{id: "", workload: "Append, 10 events per call", store: "Append/batch=10", raw: "RawInsert/batch=10", unit: "events/s", kind: atLeastRatio},
	{id: "P2", workload: "Append, 100 events per call", store: "Append/batch=100", raw: "RawInsert/batch=100", unit: "events/s", kind: atLeastRatio, goal: 0.75},
	{id: "", workload: "Append, 1000 events per call", store: "Append/batch=1000", raw: "RawInsert/batch=1000", unit: "events/s", kind: atLeastRatio},
	{id: "P3", workload: "8 concurrent appenders, 1 event each", store: "AppendConcurrent/writers=8", raw: "RawInsertConcurrent/writers=8", unit: "events/s", kind: atLeastRatio, goal: 3},
	{id: "P4", workload: "64 concurrent appenders, 1 event each", store: "AppendConcurrent/writers=64", raw: "RawInsertConcurrent/writers=64", unit: "events/s", kind: atLeastRatio, goal: 10},
	{id: "P5", workload: "ReadStream of 10,000 events, decoded", store: "ReadStream/events=10000", raw: "RawReadDecode/events=10000", unit: "events/s", kind: atLeastRatio, goal: 1.0},
	{id: "", workload: "AllEvents iterator over 100,000 events (raw: scan only)", store: "ReadAllStream/events=100000", raw: "RawScan/events=100000", unit: "events/s", kind: atLeastRatio},
	{id: "P6", workload: "iterating 1,000,000 events of $all: peak heap", store: "AllEventsHeap/events=1000000", unit: "peak-heap-MiB", shownUnit: "MiB", kind: below, goal: 64},
	{id: "P7", workload: "recovering a 10,000-event game: snapshot vs scratch", store: "RecoverGame/events=10000/snapshot", raw: "RecoverGame/events=10000/scratch", unit: "ns/op", scale: 1e-6, shownUnit: "ms", kind: fasterRatio, goal: 20},
	{id: "P8", workload: "Open of a store holding 1,000,000 events", store: "Open/events=1000000", unit: "ns/op", scale: 1e-6, shownUnit: "ms", kind: below, goal: 50},
}

// table renders the targets as markdown.
func table(r results, targets []target) string {
	var b strings.Builder
	b.WriteString("| # | workload | store | raw | ratio | target | met |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, t := range targets {
		scale := t.scale
		if scale == 0 {
			scale = 1
		}
		unit := t.shownUnit
		if unit == "" {
			unit = t.unit
		}
		id := t.id
		if id == "" {
			id = "–"
		}
		store, n, ok := r.median(t.store, t.unit)
		if !ok {
			fmt.Fprintf(&b, "| %s | %s | not measured | | | %s | – |\n", id, t.workload, goal(t))
			continue
		}
		storeCell := fmt.Sprintf("%s %s (n=%d)", figure(store*scale), unit, n)
		if t.kind == below {
			fmt.Fprintf(&b, "| %s | %s | %s | – | – | %s | %s |\n", id, t.workload, storeCell, goal(t), met(t.goal > 0, store*scale < t.goal))
			continue
		}
		raw, rn, ok := r.median(t.raw, t.unit)
		if !ok {
			fmt.Fprintf(&b, "| %s | %s | %s | not measured | | %s | – |\n", id, t.workload, storeCell, goal(t))
			continue
		}
		ratio := r.ratio(t)
		fmt.Fprintf(&b, "| %s | %s | %s | %s %s (n=%d) | %.2f× | %s | %s |\n", id, t.workload, storeCell,
			figure(raw*scale), unit, rn, ratio, goal(t), met(t.goal > 0, ratio >= t.goal))
	}
	return b.String()
}

// goal renders a target.
func goal(t target) string {
	switch {
	case t.goal == 0:
		return "–"
	case t.kind == below:
		return fmt.Sprintf("< %g %s", t.goal, t.shownUnit)
	}
	return fmt.Sprintf("≥ %.2f×", t.goal)
}

func met(has, ok bool) string {
	switch {
	case !has:
		return "–"
	case ok:
		return "yes"
	}
	return "**no**"
}

// figure renders a number with thousands separators, or with decimals when
// it is small.
func figure(v float64) string {
	if v < 100 {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
