"""Cross-check: claims of a story grouped, read against each other, discrepancies and sources."""
