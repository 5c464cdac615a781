"""Routing as data: rules, queues and assignment."""
