//! Fuzz target bodies (being moved).
