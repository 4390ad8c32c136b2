//! Checks for chapter 08, counting numbers in files.
