"""Data access: small keyword-only functions that take the session. Flows never build queries."""
