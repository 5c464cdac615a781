"""Background jobs. Each takes one id, never an object or personal data."""
