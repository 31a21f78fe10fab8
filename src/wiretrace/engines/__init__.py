"""Engines that run the per-article stages: local processes, or a Ray cluster."""
