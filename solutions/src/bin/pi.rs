//! Monte Carlo pi for batch runs (chapter 09).
//!
//! ```text
//! cargo run --release --bin pi -- --throws 1000000000 [--threads T] [--seed S]
//! ```
//!
//! `--threads` defaults to `PI_THREADS` when set, else to the available
//! parallelism. A progress bar is drawn on stderr only when the output is a
//! terminal. The last line of stdout is always
//! `pi=<estimate> throws=<N> threads=<T> seconds=<s>`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use solutions::ch09_pi::pi_chunked;
use workbook::pi::{count_hits, parse_threads};

const USAGE: &str = "usage: pi --throws N [--threads T] [--seed S]
  --throws N    darts to throw, at least 1 (1000000000, 1_000_000_000 and 1e9 all work)
  --threads T   threads to use (default: $PI_THREADS, else the available parallelism)
  --seed S      seed of the random darts (default 2024); the same seed gives the same
                estimate on any thread count";

#[derive(Debug)]
struct Args {
    throws: u64,
    threads: usize,
    seed: u64,
}

fn parse_count(flag: &str, text: &str) -> Result<u64, String> {
    let cleaned = text.replace('_', "");
    if let Ok(n) = cleaned.parse::<u64>() {
        return Ok(n);
    }
    // 1e9 and friends, when they name a whole number that fits.
    if let Some((m, e)) = cleaned.split_once(['e', 'E'])
        && let (Ok(m), Ok(e)) = (m.parse::<u64>(), e.parse::<u32>())
        && let Some(n) = 10u64.checked_pow(e).and_then(|p| p.checked_mul(m))
    {
        return Ok(n);
    }
    Err(format!(
        "{flag} wants a whole number from 0 to {}, got {text:?}",
        u64::MAX
    ))
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut throws, mut threads, mut seed) = (None, None, 2024);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        if !matches!(flag.as_str(), "--throws" | "--threads" | "--seed") {
            return Err(format!("unknown argument {arg:?}"));
        }
        let value = match inline.or_else(|| args.next()) {
            Some(v) => v,
            None => return Err(format!("{flag} needs a value")),
        };
        match flag.as_str() {
            "--throws" => throws = Some(parse_count("--throws", &value)?),
            "--threads" => {
                threads =
                    Some(parse_threads(Some(&value), 1).map_err(|e| format!("--threads: {e}"))?)
            }
            _ => seed = parse_count("--seed", &value)?,
        }
    }
    let throws = throws.ok_or("--throws is required")?;
    if throws == 0 {
        return Err("--throws must be at least 1".into());
    }
    let threads = match threads {
        Some(t) => t,
        None => {
            let available = thread::available_parallelism().map_or(1, |n| n.get());
            let env = std::env::var("PI_THREADS").ok();
            parse_threads(env.as_deref(), available).map_err(|e| format!("PI_THREADS: {e}"))?
        }
    };
    Ok(Args {
        throws,
        threads,
        seed,
    })
}

/// Draws `[#####.....]  42 %` on stderr every 100 ms until `stop`, after a
/// first half second (short runs show nothing).
fn progress(done: &AtomicU64, total: u64, stop: &AtomicBool) {
    let start = Instant::now();
    let mut drawn = false;
    while !stop.load(Ordering::Relaxed) {
        thread::sleep(Duration::from_millis(100));
        if start.elapsed() < Duration::from_millis(500) {
            continue;
        }
        let fraction = done.load(Ordering::Relaxed) as f64 / total as f64;
        let filled = (fraction * 40.0) as usize;
        eprint!(
            "\r[{}{}] {:>3.0} %  {:.1} s",
            "#".repeat(filled),
            ".".repeat(40 - filled.min(40)),
            100.0 * fraction,
            start.elapsed().as_secs_f64()
        );
        let _ = std::io::stderr().flush();
        drawn = true;
    }
    if drawn {
        eprint!("\r{}\r", " ".repeat(60));
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!("pi: {problem}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let show_progress = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let counted = |seed: u64, n: u64| {
        let hits = count_hits(seed, n);
        done.fetch_add(n, Ordering::Relaxed);
        hits
    };
    let start = Instant::now();
    let result = thread::scope(|s| {
        if show_progress {
            s.spawn(|| progress(&done, args.throws, &stop));
        }
        let result = pi_chunked(args.throws, args.seed, args.threads, &counted);
        stop.store(true, Ordering::Relaxed);
        result
    });
    let seconds = start.elapsed().as_secs_f64();
    match result {
        Ok(pi) => {
            println!(
                "pi={pi:.9} throws={} threads={} seconds={seconds:.3}",
                args.throws, args.threads
            );
            ExitCode::SUCCESS
        }
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
        parse_args(line.split_whitespace().map(str::to_string))
    }

    #[test]
    fn counts_in_three_spellings() {
        for text in ["1000000000", "1_000_000_000", "1e9"] {
            assert_eq!(parse_count("--throws", text), Ok(1_000_000_000));
        }
        assert!(parse_count("--throws", "1e30").is_err());
    }

    #[test]
    fn good_arguments() {
        let a = parse("--throws 1000 --threads 3 --seed 9").unwrap();
        assert_eq!((a.throws, a.threads, a.seed), (1000, 3, 9));
        let a = parse("--threads=2 --throws=5").unwrap();
        assert_eq!((a.throws, a.threads), (5, 2));
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        assert!(parse("").unwrap_err().contains("--throws is required"));
        assert!(parse("--throws 0").unwrap_err().contains("at least 1"));
        assert!(parse("--throws lots").unwrap_err().contains("\"lots\""));
        assert!(
            parse("--throws 10 --threads 0")
                .unwrap_err()
                .contains("--threads")
        );
        assert!(
            parse("--throws 10 --fast")
                .unwrap_err()
                .contains("unknown argument")
        );
        assert!(parse("--throws").unwrap_err().contains("needs a value"));
    }
}
