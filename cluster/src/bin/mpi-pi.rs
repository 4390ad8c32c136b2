//! Monte Carlo pi across MPI ranks, and threads inside each rank.
//!
//!     mpirun -n 4 mpi-pi --throws 1e8 [--threads 2] [--seed 2024]
//!
//! The throws are split into chapter 09's 256 chunks, each with its own
//! seeded generator: the same chunks and seeds as the `pi` program, so the
//! two print the same estimate for the same `--throws` and `--seed`.
//! Rank r takes chunks r, r + size, r + 2 size, ...; inside a rank, a rayon
//! pool of `--threads` threads runs them. One reduce sums the hits on rank 0,
//! which prints `pi=<estimate> throws=<N> ranks=<R> threads=<T> seconds=<s>`.
//! The estimate is the same for any number of ranks and threads.

use std::time::Instant;

use cluster::{Args, chunk_seed};
use mpi::Threading;
use mpi::collective::SystemOperation;
use mpi::traits::*;
use rayon::prelude::*;
use solutions::ch09_pi::{CHUNKS, split_throws};
use workbook::pi::count_hits;

fn main() {
    let args = match Args::parse(std::env::args().skip(1), &["throws", "threads", "seed"]) {
        Ok(a) => a,
        Err(e) => usage(&e),
    };
    let throws = args
        .number("throws", 10_000_000, 1)
        .unwrap_or_else(|e| usage(&e));
    let threads = args.number("threads", 1, 1).unwrap_or_else(|e| usage(&e));
    let seed = args.number("seed", 2024, 0).unwrap_or_else(|e| usage(&e));

    // Only the main thread calls MPI; rayon's threads just compute.
    let (universe, _) =
        mpi::initialize_with_threading(Threading::Funneled).expect("MPI initialises once");
    let world = universe.world();
    let (rank, size) = (world.rank() as u64, world.size() as u64);

    world.barrier();
    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads as usize)
        .build()
        .expect("a thread pool");
    let sizes = split_throws(throws, CHUNKS);
    let mine: Vec<u64> = (rank..CHUNKS).step_by(size as usize).collect();
    let local: u64 = pool.install(|| {
        mine.par_iter()
            .map(|&c| count_hits(chunk_seed(seed, c), sizes[c as usize]))
            .sum()
    });

    let root = world.process_at_rank(0);
    if rank == 0 {
        let mut inside = 0u64;
        root.reduce_into_root(&local, &mut inside, SystemOperation::sum());
        let seconds = start.elapsed().as_secs_f64();
        let pi = 4.0 * inside as f64 / throws as f64;
        println!("pi={pi:.6} throws={throws} ranks={size} threads={threads} seconds={seconds:.3}");
    } else {
        root.reduce_into(&local, SystemOperation::sum());
    }
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "mpi-pi: {problem}\nusage: mpirun -n RANKS mpi-pi [--throws N] [--threads T] [--seed S]"
    );
    std::process::exit(2)
}
