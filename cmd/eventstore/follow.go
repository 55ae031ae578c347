package main

import (
	"context"
	"errors"

	"github.com/gamebot/eventstore"
)

// followTail prints the events appended after last until ctx ends.
func followTail(ctx context.Context, s *eventstore.Store, stream string, last []eventstore.RecordedEvent, k *eventSink) error {
	return errors.New("-f needs subscriptions, which this store does not have yet")
}
