"""Reading a release: load it, verify it, show a document."""
