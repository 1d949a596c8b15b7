// Tests for Transport.
