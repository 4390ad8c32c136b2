//! Checks for chapter 04, locks and sharing.
