"""Domain services used by the flows and the staff side."""
