package main

import (
	"context"
	"errors"

	"github.com/gamebot/eventstore"
)

// followTail prints the events committed after last, as a subscription
// delivers them, until ctx ends (an interrupt is the normal way out).
// from is where the subscription starts: after the last event printed.
func followTail(ctx context.Context, s *eventstore.Store, stream string, from int64, k *eventSink) error {
	sub, err := s.Subscribe(ctx, stream, &eventstore.SubscribeOptions{From: from})
	if err != nil {
		return err
	}
	defer sub.Close()
	for r, err := range sub.Events(ctx) {
		if ctx.Err() != nil {
			break
		}
		if err := k.take(r, err); err != nil {
			return err
		}
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return k.done()
	}
	return ctx.Err()
}
