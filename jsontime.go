package eventstore

import (
	"fmt"
	"time"
)

// TimeLayout is the one text form of every time the package encodes: UTC,
// RFC 3339, exactly six fractional digits, e.g. 2026-01-02T03:04:05.123456Z.
const TimeLayout = "2006-01-02T15:04:05.000000Z07:00"

// NormalizeTime returns t in UTC truncated to whole microseconds, without a
// monotonic clock reading: the value t becomes after an encoding round trip.
// The zero time stays zero.
func NormalizeTime(t time.Time) time.Time {
	// Truncate also strips the monotonic reading; UTC drops the location.
	return t.Truncate(time.Microsecond).UTC()
}

// FormatTime returns t in TimeLayout after NormalizeTime. It returns an
// error when t's UTC year is outside 0000–9999, which RFC 3339 cannot
// express.
func FormatTime(t time.Time) (string, error) {
	t = NormalizeTime(t)
	if y := t.Year(); y < 0 || y > 9999 {
		return "", fmt.Errorf("time %v: year outside 0000-9999", t)
	}
	return t.Format(TimeLayout), nil
}

// ParseTime parses an RFC 3339 time with any number of fractional digits
// and any offset, and returns it normalized (UTC, microseconds). Times whose
// UTC year falls outside 0000–9999 are refused, so whatever ParseTime
// accepts FormatTime can write back.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	t = NormalizeTime(t)
	if y := t.Year(); y < 0 || y > 9999 {
		return time.Time{}, fmt.Errorf("time %q: year outside 0000-9999", s)
	}
	return t, nil
}

// jsonTime is a time.Time with the package's JSON form. Struct fields stay
// time.Time for callers; the JSON methods of the event types convert.
type jsonTime time.Time

// MarshalJSON writes the time as a TimeLayout string.
func (t jsonTime) MarshalJSON() ([]byte, error) {
	s, err := FormatTime(time.Time(t))
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}

// UnmarshalJSON reads a JSON string with ParseTime; null leaves t alone, as
// encoding/json does for its own types.
func (t *jsonTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("time must be a JSON string, got %.40s", b)
	}
	// A valid RFC 3339 time has no characters JSON would escape, so the
	// bytes between the quotes are the text itself.
	p, err := ParseTime(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*t = jsonTime(p)
	return nil
}

// timePtr converts a nullable time for encoding: nil stays nil (null).
func timePtr(t *time.Time) *jsonTime {
	if t == nil {
		return nil
	}
	j := jsonTime(*t)
	return &j
}

// fromTimePtr is the inverse of timePtr.
func fromTimePtr(j *jsonTime) *time.Time {
	if j == nil {
		return nil
	}
	t := time.Time(*j)
	return &t
}
