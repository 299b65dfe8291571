"""Session-wide guards that hold the whole suite to a rule (see each module)."""
