//! Checks for chapter 06, errors and panics.
