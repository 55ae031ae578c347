package eventstore

// CommitStats returns how many transactions the writer has committed and how
// many write requests they carried, so tests can see group commit at work.
func CommitStats(s *Store) (commits, requests int64) {
	return s.stats.commits.Load(), s.stats.requests.Load()
}
