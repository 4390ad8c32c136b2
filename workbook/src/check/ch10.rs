//! Checks for chapter 10, processes and beyond one machine.
