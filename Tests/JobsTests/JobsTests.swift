// Tests for Jobs.
