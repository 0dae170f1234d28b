"""Building a release: run the stages over a raw folder, cache, write Parquet, the manifest, card and report."""
