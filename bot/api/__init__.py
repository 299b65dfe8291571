"""HTTP endpoints for the association's other systems."""
