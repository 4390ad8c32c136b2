//! The solutions crate's integration tests, in one test binary (one link
//! instead of one per file): the grades of both crates, the sections the
//! checks name, chapter 09's seeds, and the `pi` program.

mod ch09_chunk_seeds;
mod grade;
mod pi_program;
mod sections;
