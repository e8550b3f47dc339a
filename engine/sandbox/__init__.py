"""Diagram code under a budget: what runs in the worker, what runs in a bounded child process."""
