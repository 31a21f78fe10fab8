"""The machine-learned models (sentence embedder, stance model) and where they run."""
