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

use clap::Parser;
use mpi::Threading;
use mpi::collective::SystemOperation;
use mpi::traits::*;
use mpi_programs::{chunk_seed, print_result};
use rayon::prelude::*;
use solutions::ch09_pi::{CHUNKS, split_throws};
use workbook::pi::{count_hits, parse_thread_flag, parse_throws};

/// Monte Carlo pi across MPI ranks, and threads inside each rank
/// (run it as `mpirun -n RANKS mpi-pi ...`).
#[derive(Debug, Parser)]
#[command(name = "mpi-pi")]
struct Args {
    /// Darts to throw in all, 1 to 1e12 (1e8 and 100_000_000 work)
    #[arg(long, value_name = "N", default_value = "1e7", value_parser = parse_throws)]
    throws: u64,
    /// Threads in each rank, 1 to 4096 (the same rule as `pi`)
    #[arg(long, value_name = "T", default_value = "1", value_parser = parse_thread_flag)]
    threads: usize,
    /// Seed of the random darts: the same seed gives the same estimate as `pi`
    #[arg(long, value_name = "S", default_value_t = 2024)]
    seed: u64,
}

fn main() {
    // --help prints to stdout and exits 0, before MPI starts.
    let Args {
        throws,
        threads,
        seed,
    } = mpi_programs::parse_args();

    // Only the main thread calls MPI; rayon's threads just compute.
    let (universe, _) =
        mpi::initialize_with_threading(Threading::Funneled).expect("MPI initialises once");
    let world = universe.world();
    let (rank, size) = (world.rank() as u64, world.size() as u64);

    world.barrier();
    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
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
        print_result(&format!(
            "pi={pi:.6} throws={throws} ranks={size} threads={threads} seconds={seconds:.3}"
        ));
    } else {
        root.reduce_into(&local, SystemOperation::sum());
    }
}
