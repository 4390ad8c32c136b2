//! Checks for chapter 07, Fibonacci.
