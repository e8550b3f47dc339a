"""What managers read: case lists, the case page, statistics and diagram state."""
