//! Checks for chapter 02, thread pools.
