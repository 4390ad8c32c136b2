//! What the MPI programs share: the chunk seeds that make an estimate
//! independent of how many ranks and threads run it (the chunks themselves and
//! the dart kernel come from chapter 09), the queue's task, and reading the
//! command line so that a usage error reaches the terminal whole.

/// The chunk seeds of chapter 09, so `mpi-pi` throws the same darts as `pi`.
pub use workbook::pi::chunk_seed;
/// The queue's task: the total Collatz steps of a block of 1000 numbers, the
/// same Collatz as chapter 10's worker processes.
pub use workbook_worker::collatz_block;

/// The command line, parsed by clap. `--help` prints to stdout and exits 0;
/// a usage error goes to stderr and exits 2.
///
/// Under a launcher (`mpirun`, `srun`) every rank reads the same command
/// line, so every rank would print the same message: there, rank 0 alone
/// prints it, and every rank exits with the same code (see [`exit_all`]).
/// Run directly, the program answers at once, without starting MPI.
pub fn parse_args<T: clap::Parser>() -> T {
    let error = match T::try_parse() {
        Ok(args) => return args,
        Err(error) => error,
    };
    let code = error.exit_code();
    if !under_launcher() {
        report(&error);
        std::process::exit(code)
    }
    let Some(universe) = mpi::initialize() else {
        report(&error);
        std::process::exit(code)
    };
    exit_all(universe, code, || report(&error))
}

/// Prints clap's message: help to stdout, a usage error to stderr in one
/// write (clap writes it piece by piece when it strips colours, and under
/// `mpirun` those pieces can end up split by Open MPI's notice about the
/// rank that exited).
fn report(error: &clap::Error) {
    if error.use_stderr() {
        say(&error.render().to_string());
    } else {
        let _ = error.print();
    }
}

/// Writes `text` to stderr in one write.
fn say(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Prints one result line. Where standard output is closed (`mpi-pi | head -0`),
/// `println!` would panic in the middle of MPI: the line goes to stderr
/// instead, with the reason, and the run ends normally.
pub fn print_result(line: &str) {
    use std::io::Write;
    if let Err(e) = writeln!(std::io::stdout().lock(), "{line}") {
        say(&format!(
            "could not write to standard output ({e}); the result: {line}\n"
        ));
    }
}

/// Whether an MPI launcher started this process as one rank of several.
/// Open MPI, MPICH and SLURM each set one of these.
fn under_launcher() -> bool {
    ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"]
        .iter()
        .any(|name| std::env::var_os(name).is_some())
}

/// Ends the run on every rank with exit code `code`, after `report` has run
/// on rank 0 alone: one message, not one per rank. The barrier holds every
/// rank until rank 0 has printed, because `mpirun` stops the remaining ranks
/// as soon as one exits with an error, and rank 0 could be stopped mid-word.
pub fn exit_all(universe: mpi::environment::Universe, code: i32, report: impl FnOnce()) -> ! {
    use mpi::traits::{Communicator, CommunicatorCollectives};
    let world = universe.world();
    if world.rank() == 0 {
        report();
    }
    world.barrier();
    drop(universe); // MPI ends cleanly: the exit code is the only news
    std::process::exit(code)
}

/// [`exit_all`] with exit code 2, for a request the run cannot serve
/// (`mpi-queue` on one rank): `message` printed once, by rank 0.
pub fn refuse(universe: mpi::environment::Universe, message: &str) -> ! {
    exit_all(universe, 2, || say(&format!("{message}\n")))
}
