//! A coordinator/worker task queue on MPI: the MPI form of Python's remote
//! manager queue.
//!
//!     mpirun -n 4 mpi-queue [--tasks 40] [--crash-rank R]
//!
//! Rank 0 holds the tasks and hands them out one at a time to whichever
//! worker asks first, so a fast worker simply takes more. Every worker
//! message is `[kind, task, result]`: kind 0 is "ready", kind 1 is "here is a
//! result, and I am ready again". The answer is `[task]`, or `[STOP]`.
//! At the end rank 0 checks that every task was done exactly once and prints
//! `tasks=<N> done_once=<N> duplicates=<d> missing=<m> total=<sum> seconds=<s>`
//! and one line per worker. `--crash-rank R` makes rank R abort on its first
//! task, to show what a dying worker does to a run (mpirun ends the job and
//! names the rank; nothing hangs).

use std::time::Instant;

use clap::Parser;
use mpi::traits::*;
use mpi_programs::{collatz_block, print_result};

const STOP: u64 = u64::MAX;

/// A coordinator/worker task queue on MPI (run it as `mpirun -n RANKS mpi-queue ...`,
/// with at least 2 ranks).
#[derive(Debug, Parser)]
#[command(name = "mpi-queue")]
struct Args {
    /// Tasks to hand out, 1 to 1000000
    #[arg(long, value_name = "N", default_value_t = 40,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    tasks: u64,
    /// Make this rank (1 to RANKS - 1: rank 0 coordinates) abort on its first task
    #[arg(long, value_name = "R", value_parser = clap::value_parser!(u64).range(1..))]
    crash_rank: Option<u64>,
}

fn main() {
    // --help prints to stdout and exits 0, before MPI starts.
    let Args { tasks, crash_rank } = mpi_programs::parse_args();

    let universe = mpi::initialize().expect("MPI initialises once");
    let world = universe.world();
    let size = world.size() as u64;
    if size < 2 {
        mpi_programs::refuse(
            universe,
            "mpi-queue: needs at least 2 ranks: rank 0 hands out tasks, the others work (mpirun -n 2 or more)",
        );
    }
    if let Some(r) = crash_rank.filter(|&r| r >= size) {
        mpi_programs::refuse(
            universe,
            &format!(
                "mpi-queue: --crash-rank {r} names no worker: this run's workers are ranks 1 to {}",
                size - 1
            ),
        );
    }
    if world.rank() == 0 {
        coordinate(&world, tasks);
    } else {
        work(&world, crash_rank == Some(world.rank() as u64));
    }
}

fn coordinate(world: &impl Communicator, tasks: u64) {
    let start = Instant::now();
    let workers = world.size() as usize - 1;
    let mut done = vec![0u32; tasks as usize];
    let mut per_worker = vec![0u64; workers + 1];
    let mut total = 0u64;
    let mut next = 0u64;
    let mut stopped = 0;
    while stopped < workers {
        let (msg, status) = world.any_process().receive_vec::<u64>();
        let from = status.source_rank();
        if msg[0] == 1 {
            done[msg[1] as usize] += 1;
            per_worker[from as usize] += 1;
            total += msg[2];
        }
        let reply = if next < tasks {
            next += 1;
            next - 1
        } else {
            stopped += 1;
            STOP
        };
        world.process_at_rank(from).send(&[reply][..]);
    }
    let once = done.iter().filter(|&&d| d == 1).count();
    let duplicates = done.iter().filter(|&&d| d > 1).count();
    let missing = done.iter().filter(|&&d| d == 0).count();
    print_result(&format!(
        "tasks={tasks} done_once={once} duplicates={duplicates} missing={missing} total={total} seconds={:.3}",
        start.elapsed().as_secs_f64()
    ));
    for (rank, n) in per_worker.iter().enumerate().skip(1) {
        print_result(&format!("rank {rank}: {n} tasks"));
    }
}

fn work(world: &impl Communicator, crash: bool) {
    let coordinator = world.process_at_rank(0);
    coordinator.send(&[0u64, 0, 0][..]);
    loop {
        let (reply, _) = coordinator.receive_vec::<u64>();
        let task = reply[0];
        if task == STOP {
            return;
        }
        if crash {
            eprintln!(
                "rank {}: crashing on purpose while holding task {task}",
                world.rank()
            );
            std::process::abort();
        }
        coordinator.send(&[1, task, collatz_block(task)][..]);
    }
}
