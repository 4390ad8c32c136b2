//! Checks for chapter 03, futures and gathering results.
