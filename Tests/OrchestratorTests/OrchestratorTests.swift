// Tests for Orchestrator.
