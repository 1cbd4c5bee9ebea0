"""Store: units -> chunks, vectors and terms -> a stored index folder."""
