// Tests for Persistence.
