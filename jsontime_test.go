package eventstore_test

import (
	"testing"
	"time"

	es "github.com/gamebot/eventstore"
)

func TestFormatTime(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   time.Time
		want string
	}{
		{"microseconds", time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC), "2026-01-02T03:04:05.123456Z"},
		{"nanoseconds truncated", time.Date(2026, 1, 2, 3, 4, 5, 123456999, time.UTC), "2026-01-02T03:04:05.123456Z"},
		{"whole seconds padded", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "2026-01-02T03:04:05.000000Z"},
		{"other zone to UTC", time.Date(2026, 1, 2, 3, 4, 5, 1000, time.FixedZone("x", 2*3600)), "2026-01-02T01:04:05.000001Z"},
		{"zero time", time.Time{}, "0001-01-01T00:00:00.000000Z"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := es.FormatTime(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("FormatTime() = %q, %v, want %q", got, err, tt.want)
			}
		})
	}
	if _, err := es.FormatTime(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("FormatTime(year 10000) succeeded, want an error")
	}
}

func TestParseTime(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"2026-01-02T03:04:05.123456Z", time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC), false},
		{"2026-01-02T03:04:05.123456789Z", time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC), false},
		{"2026-01-02T03:04:05Z", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), false},
		{"2026-01-02T05:04:05.5+02:00", time.Date(2026, 1, 2, 3, 4, 5, 500000000, time.UTC), false},
		{"0000-01-01T00:30:00+01:00", time.Time{}, true}, // year -1 in UTC
		{"2026-01-02 03:04:05", time.Time{}, true},
		{"", time.Time{}, true},
	} {
		got, err := es.ParseTime(tt.in)
		if (err != nil) != tt.wantErr || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil && got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) location = %v, want UTC", tt.in, got.Location())
		}
	}
}
