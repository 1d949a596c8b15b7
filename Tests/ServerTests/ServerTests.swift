// Tests for Server.
