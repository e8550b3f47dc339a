"""Timer events: the scheduler and the batches it fires."""
