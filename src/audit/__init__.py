"""The audit trail: every action function writes a row with audit.trail.record(...) in its own transaction."""
