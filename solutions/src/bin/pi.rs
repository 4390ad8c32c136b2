//! Monte Carlo pi for batch runs (chapter 09).
//!
//! ```text
//! cargo run --release --bin pi -- --throws 1000000000 [--threads T] [--seed S]
//! ```
//!
//! `--threads` defaults to `PI_THREADS` when set, else to the available
//! parallelism. Progress goes to stderr: a bar on a terminal, elsewhere (a
//! batch job's log) a plain line every ten seconds. The last line of stdout
//! is always `pi=<estimate> throws=<N> threads=<T> seconds=<s>`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use solutions::ch09_pi::pi_chunked;
use workbook::pi::{
    MAX_THREADS, WorkDone, count_hits, parse_thread_flag, parse_threads, parse_throws,
    time_with_watcher,
};

/// Monte Carlo pi: throws darts at the unit square on several threads.
#[derive(Debug, Parser)]
#[command(name = "pi")]
struct Args {
    /// Darts to throw, 1 to 1e12 (1000000000, 1_000_000_000 and 1e9 all work)
    #[arg(long, value_name = "N", value_parser = parse_throws)]
    throws: u64,
    /// Threads to use, 1 to 4096 [default: $PI_THREADS, else the available parallelism]
    #[arg(long, value_name = "T", value_parser = parse_thread_flag)]
    threads: Option<usize>,
    /// Seed of the random darts; the same seed gives the same estimate on any thread count
    #[arg(long, value_name = "S", default_value_t = 2024)]
    seed: u64,
}

/// The thread count: the flag, else `PI_THREADS`, else what the machine offers.
fn threads(flag: Option<usize>) -> Result<usize, String> {
    if let Some(t) = flag {
        return Ok(t);
    }
    let available = thread::available_parallelism().map_or(1, |n| n.get());
    let env = std::env::var("PI_THREADS").ok();
    parse_threads(env.as_deref(), available.min(MAX_THREADS))
        .map_err(|e| format!("PI_THREADS: {e}"))
}

/// Reports `done` out of `total` on stderr until the work is done: a bar on
/// a terminal, else a line every ten seconds (short runs show nothing).
fn progress(done: &AtomicU64, total: u64, finished: WorkDone) {
    let start = Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("[{bar:40}] {percent:>3} %  {elapsed_precise}  ({eta} left)")
            .expect("a valid progress template"),
    );
    if !terminal {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut last_line = start;
    while !finished.wait(Duration::from_millis(100)) {
        let now = done.load(Ordering::Relaxed);
        bar.set_position(now);
        if !terminal && last_line.elapsed() >= Duration::from_secs(10) {
            last_line = Instant::now();
            // A log that cannot be written to is no reason to stop the run.
            let _ = writeln!(
                std::io::stderr(),
                "pi: {:.0} % of {total} throws, {:.0} s",
                100.0 * now as f64 / total as f64,
                start.elapsed().as_secs_f64()
            );
        }
    }
    bar.finish_and_clear();
}

/// Prints the record line. A reader that has gone (`pi ... | head -c1`) is
/// not an error worth a word; any other failure (a full disk) is one line.
fn print_record(line: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{line}").and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::FAILURE,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "pi: could not write the result: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    // --help and --version print to stdout and exit 0; a bad argument exits 2.
    let args = Args::parse();
    let threads = match threads(args.threads) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("pi: {e}");
            return ExitCode::from(2);
        }
    };
    let done = AtomicU64::new(0);
    let counted = |seed: u64, n: u64| {
        let hits = count_hits(seed, n);
        done.fetch_add(n, Ordering::Relaxed);
        hits
    };
    // Timed without the progress thread's last update: see time_with_watcher.
    let (result, seconds) = time_with_watcher(
        || pi_chunked(args.throws, args.seed, threads, &counted),
        |finished| progress(&done, args.throws, finished),
    );
    match result {
        Ok(pi) => print_record(&format!(
            "pi={pi:.9} throws={} threads={threads} seconds={seconds:.3}",
            args.throws
        )),
        Err(e) => {
            eprintln!("pi: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Args, String> {
        Args::try_parse_from(std::iter::once("pi").chain(line.split_whitespace()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn good_arguments() {
        let a = parse("--throws 1000 --threads 3 --seed 9").unwrap();
        assert_eq!((a.throws, a.threads, a.seed), (1000, Some(3), 9));
        let a = parse("--threads=2 --throws=1_000").unwrap();
        assert_eq!((a.throws, a.threads), (1000, Some(2)));
        assert_eq!(parse("--throws 1e9").unwrap().throws, 1_000_000_000);
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        let cases = [
            ("", "--throws <N>"),
            ("--throws 0", "at least 1"),
            ("--throws lots", "\"lots\""),
            ("--throws 1e19", "at most 1000000000000"),
            ("--throws 10 --threads 0", "at least 1"),
            ("--throws 10 --threads=", "got nothing"),
            ("--throws 10 --threads 5000", "4096"),
            ("--throws 10 --fast", "--fast"),
            ("--throws", "a value is required"),
        ];
        for (line, expected) in cases {
            let err = parse(line).map(|_| ()).unwrap_err();
            assert!(err.contains(expected), "`{line}`: {err}");
        }
    }

    #[test]
    fn the_help_is_consistent() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }
}
