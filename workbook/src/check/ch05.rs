//! Checks for chapter 05, shared arrays.
