//! Checks for chapter 09, Monte Carlo pi and scaling.
