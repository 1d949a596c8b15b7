// The Server module. See docs/ARCHITECTURE in DESIGN.md for what it may know.
