//! What the MPI programs share: the chunk seeds that make an estimate
//! independent of how many ranks and threads run it (the chunks themselves and
//! the dart kernel come from chapter 09), the queue's task, and reading the
//! command line so that a usage error reaches the terminal whole.

/// The chunk seeds of chapter 09, so `mpi-pi` throws the same darts as `pi`.
pub use workbook::pi::chunk_seed;
/// The queue's task: the total Collatz steps of a block of 1000 numbers, the
/// same Collatz as chapter 10's worker processes.
pub use workbook_worker::collatz_block;

/// The command line, parsed by clap. `--help` prints to stdout and exits 0.
/// A usage error goes to stderr in one write, then exits 2: clap writes it
/// piece by piece when it strips colours, and under `mpirun` those pieces
/// can end up split by Open MPI's notice about the rank that exited.
pub fn parse_args<T: clap::Parser>() -> T {
    T::try_parse().unwrap_or_else(|e| {
        if !e.use_stderr() {
            e.exit()
        }
        use std::io::Write;
        let _ = std::io::stderr()
            .lock()
            .write_all(e.render().to_string().as_bytes());
        std::process::exit(e.exit_code())
    })
}
