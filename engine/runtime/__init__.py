"""Cases running: one step from wait state to wait state, its writes, tasks, claims and incidents."""
