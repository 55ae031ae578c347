package eventstore

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// MaxStreamIDLength is the longest stream id, in bytes.
const MaxStreamIDLength = 255

// AllStreams is the reserved name of the global order, for subscriptions.
const AllStreams = "$all"

// ValidateStreamID returns nil when id can name a stream: non-empty valid
// UTF-8 of at most MaxStreamIDLength bytes, without control characters
// (Unicode category Cc), not starting with the reserved '$'. Otherwise it
// returns an error matching ErrInvalidStreamID that says which rule failed.
// Ids are compared byte for byte: no trimming, case folding or normalisation.
func ValidateStreamID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty", ErrInvalidStreamID)
	case len(id) > MaxStreamIDLength:
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrInvalidStreamID, len(id), MaxStreamIDLength)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: %q is not valid UTF-8", ErrInvalidStreamID, id)
	case id[0] == '$':
		return fmt.Errorf("%w: %q starts with the reserved '$'", ErrInvalidStreamID, id)
	}
	for i, r := range id {
		if unicode.Is(unicode.Cc, r) {
			return fmt.Errorf("%w: %q has a control character at byte %d", ErrInvalidStreamID, id, i)
		}
	}
	return nil
}
