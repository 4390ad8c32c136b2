//! Chapter 07, exercises: write your answers here.
//! Generated from chapters/07-fibonacci.md; `cargo xtask gen` keeps your answers here, `cargo xtask reset NAME` restores one stub.
#![allow(unused_imports, unused_variables)]

/// f(n) when it fits in a u64 (n <= 93), or an error that names n.
pub fn fib_checked(n: u32) -> Result<u64, String> {
    todo!()
}

/// f(n), split in two with `rayon::join` down to `cutoff`; below it, `leaf(n)` computes the rest.
pub fn fib_par(n: u32, cutoff: u32, leaf: &(dyn Fn(u32) -> u64 + Sync)) -> u64 {
    todo!()
}
