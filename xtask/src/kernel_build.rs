//! The Rust kernel's build (`cargo install evcxr_jupyter`), with its progress
//! read from cargo's own `Building [...] n/m` line: shown in the terminal and
//! written to a progress file, from which the placeholder kernel
//! (`xtask/jupyter/placeholder_kernel.py`) tells a learner how long is left.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::child::{self, MINUTE, SECOND};
use crate::notebook_env::EVCXR_VERSION;
pub use progress::{Progress, State, mark_ready, progress_file, unix_now};

mod progress;

/// The whole build on 2 cores, measured (6 min 02 s): the estimate before
/// cargo's own count says better.
const TWO_CORE_BUILD: Duration = Duration::from_secs(6 * 60);

/// Where cargo's output goes, for when the build fails.
pub fn log_file(root: &Path) -> PathBuf {
    crate::output_dir(root, "setup").join("evcxr-install.log")
}

/// The build's length before anything is known, from the cores there are.
pub fn typical_build() -> Duration {
    let cores = thread::available_parallelism().map_or(2, |n| n.get()) as u32;
    (TWO_CORE_BUILD * 2 / cores.max(1)).max(Duration::from_secs(90))
}

/// How far the build is in time when a fraction `units` of cargo's units are
/// compiled. The count runs ahead of the clock: the first units are small
/// crates, the last are evcxr's own and the ones it leans on. Measured on 2
/// cores (evcxr_jupyter 0.22.0, 340 units, 5 min 55 s): at 83% of the units,
/// 62% of the time had passed, and the last 17% of the units took 38% of it.
fn time_fraction(units: f64) -> f64 {
    const CURVE: [(f64, f64); 4] = [(0.0, 0.0), (0.5, 0.3), (0.8, 0.6), (1.0, 1.0)];
    let units = units.clamp(0.0, 1.0);
    CURVE.windows(2).find(|w| units <= w[1].0).map_or(1.0, |w| {
        let ((u0, t0), (u1, t1)) = (w[0], w[1]);
        t0 + (t1 - t0) * (units - u0) / (u1 - u0)
    })
}

/// Time left when `done` of `total` units are compiled, `compiling` after the
/// first one: the pace so far, over how far the build is in time
/// ([`time_fraction`]), blended with the typical build (early on the pace
/// says too little).
pub fn estimate_left(done: u32, total: u32, compiling: Duration, typical: Duration) -> Duration {
    if total == 0 {
        return typical;
    }
    let f = time_fraction(f64::from(done) / f64::from(total));
    let prior = typical.as_secs_f64() * (1.0 - f);
    let counted = if done == 0 {
        prior
    } else {
        compiling.as_secs_f64() * (1.0 - f) / f
    };
    Duration::from_secs_f64(f * counted + (1.0 - f) * prior)
}

/// `(done, total)` from one of cargo's progress lines,
/// `    Building [=====>    ] 45/290: syn, serde(build)`.
pub fn parse_progress(line: &str) -> Option<(u32, u32)> {
    let rest = line.trim_start().strip_prefix("Building [")?;
    let (_, count) = rest.split_once("] ")?;
    let count = count.split([':', ' ']).next()?;
    let (done, total) = count.split_once('/')?;
    Some((done.parse().ok()?, total.parse().ok()?))
}

/// The command that builds and installs the kernel.
fn install_command() -> Command {
    let mut cmd = crate::cargo_install::command("evcxr_jupyter", EVCXR_VERSION);
    // Cargo's progress line, even though its output is not a terminal.
    cmd.env("CARGO_TERM_PROGRESS_WHEN", "always")
        .env("CARGO_TERM_PROGRESS_WIDTH", "160")
        .env("CARGO_TERM_COLOR", "never");
    cmd
}

/// Builds the kernel and waits for it; `report` sees every change of progress.
/// `gently`: at a lower priority, so that reading stays quick meanwhile.
pub fn build(root: &Path, gently: bool, mut report: impl FnMut(&Progress) + Send) -> Result<()> {
    let log_path = log_file(root);
    let file = progress_file(root);
    fs::create_dir_all(log_path.parent().expect("a folder"))?;
    let mut log = fs::File::create(&log_path).with_context(|| log_path.display().to_string())?;
    let mut cmd = install_command();
    cmd.stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(Stdio::piped());
    if gently {
        child::lower_priority(&mut cmd);
    }
    // Nothing outlives the command that started it, even one killed with -9.
    child::die_with_parent(&mut cmd);
    let mut cargo = cmd.spawn().context("could not start cargo install")?;
    let start = Instant::now();
    let typical = typical_build();
    let now = unix_now();
    let mut progress = Progress {
        state: State::Building,
        started: now,
        updated: now,
        done: None,
        total: None,
        left_s: Some(typical.as_secs()),
        pid: cargo.id(),
        log: log_path.clone(),
    };
    progress.write(&file)?;
    report(&progress);
    let stderr = cargo.stderr.take().context("cargo's errors are piped")?;
    let status = thread::scope(|s| {
        let progress = &mut progress;
        let file = &file;
        let reader = s.spawn(move || -> Result<()> {
            let mut compiling: Option<Instant> = None;
            for_each_segment(stderr, |segment| {
                let Some((done, total)) = parse_progress(segment) else {
                    if !segment.trim().is_empty() {
                        writeln!(log, "{segment}")?;
                    }
                    return Ok(());
                };
                if progress.done == Some(done) && progress.total == Some(total) {
                    return Ok(());
                }
                let first = *compiling.get_or_insert_with(Instant::now);
                let left = estimate_left(done, total, first.elapsed(), typical);
                progress.done = Some(done);
                progress.total = Some(total);
                progress.left_s = Some(left.as_secs());
                progress.updated = unix_now();
                // A trace of the estimates, to see afterwards how good they were.
                writeln!(
                    log,
                    "[progress] {} s: {done}/{total}, estimated {} s left",
                    start.elapsed().as_secs(),
                    left.as_secs()
                )?;
                progress.write(file)?;
                report(&*progress);
                Ok(())
            })
        });
        // Ctrl-C, or a signal to the command that builds, stops cargo too.
        let status = child::wait_or_stop(&mut cargo, 60 * MINUTE, 10 * SECOND, "cargo install");
        let read = reader.join().expect("the reader does not panic");
        status.and_then(|s| read.map(|()| s))
    });
    let status = match status {
        // Stopped, not failed: the file keeps `building` with a pid that is
        // gone, which the placeholder kernel reads as "stopped before it finished".
        Ok(None) => bail!("stopped (Ctrl-C or a signal) before the build finished"),
        Ok(Some(s)) => Ok(s),
        Err(e) => Err(e),
    };
    let mut failed = |why: String| -> Result<()> {
        progress.state = State::Failed;
        progress.updated = unix_now();
        progress.write(&file)?;
        let text = fs::read_to_string(&log_path).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!(
            "{why}; the end of {}:\n{}",
            log_path.display(),
            tail.join("\n")
        )
    };
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => failed(format!("cargo install failed ({s})")),
        Err(e) => failed(e.to_string()),
    }
}

/// Calls `each` with every piece of `pipe` ended by a newline or a carriage
/// return (cargo redraws its progress line with the latter), escapes removed.
/// It reads to the end even after `each` fails (so that the child never
/// blocks on a full pipe), and then returns the first failure.
fn for_each_segment(mut pipe: impl Read, mut each: impl FnMut(&str) -> Result<()>) -> Result<()> {
    let mut first_error = None;
    let mut call = |bytes: &[u8]| {
        if first_error.is_none() {
            first_error = each(&crate::ansi::strip_ansi(&String::from_utf8_lossy(bytes))).err();
        }
    };
    let mut pending = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = match pipe.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        for &byte in &chunk[..n] {
            if byte == b'\n' || byte == b'\r' {
                call(&pending);
                pending.clear();
            } else {
                pending.push(byte);
            }
        }
    }
    if !pending.is_empty() {
        call(&pending);
    }
    first_error.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_progress_lines_give_their_count() {
        assert_eq!(
            parse_progress("    Building [=====>      ] 45/290: syn, serde(build)"),
            Some((45, 290))
        );
        assert_eq!(
            parse_progress("    Building [=======================>] 289/290"),
            Some((289, 290))
        );
        assert_eq!(parse_progress("   Compiling syn v2.0.100"), None);
        assert_eq!(parse_progress("    Building [==>   ] x/290: a"), None);
    }

    #[test]
    fn segments_split_at_carriage_returns_and_lose_escapes() {
        let stream: &[u8] =
            b"   Compiling a v1\n\r    Building [=>  ] 1/3: b\x1b[K\r\x1b[K   Compiling b v1\n\r    Building [==> ] 2/3";
        let mut seen = Vec::new();
        for_each_segment(stream, |s| {
            if !s.trim().is_empty() {
                seen.push(s.trim().to_string());
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                "Compiling a v1",
                "Building [=>  ] 1/3: b",
                "Compiling b v1",
                "Building [==> ] 2/3"
            ]
        );
    }

    #[test]
    fn time_runs_behind_the_unit_count_and_meets_it_at_both_ends() {
        assert_eq!(time_fraction(0.0), 0.0);
        assert_eq!(time_fraction(1.0), 1.0);
        assert!((time_fraction(0.83) - 0.66).abs() < 0.01);
        let mut last = 0.0;
        for i in 1..=100 {
            let t = time_fraction(f64::from(i) / 100.0);
            assert!(t > last && t <= f64::from(i) / 100.0 + 1e-9, "{i}: {t}");
            last = t;
        }
    }

    #[test]
    fn the_estimate_starts_typical_ends_at_zero_and_follows_the_pace() {
        let typical = Duration::from_secs(360);
        let secs = |d: Duration| d.as_secs();
        assert_eq!(secs(estimate_left(0, 290, Duration::ZERO, typical)), 360);
        assert_eq!(secs(estimate_left(0, 0, Duration::ZERO, typical)), 360);
        assert_eq!(
            secs(estimate_left(290, 290, Duration::from_secs(300), typical)),
            0
        );
        // Half the units in 100 s: the later units are the heavier ones, so
        // more than the count alone says (100 s), less than the typical build
        // would leave at that point in time (252 s).
        let half = secs(estimate_left(145, 290, Duration::from_secs(100), typical));
        assert!((100..252).contains(&half), "{half}");
        // The measured build, at 281 of 340 units after 221 s, had 134 s left:
        // no longer "less than a minute".
        let tail = secs(estimate_left(281, 340, Duration::from_secs(221), typical));
        assert!((90..180).contains(&tail), "{tail}");
        // The same count reached sooner predicts less time left.
        let slow = estimate_left(200, 290, Duration::from_secs(400), typical);
        let fast = estimate_left(200, 290, Duration::from_secs(100), typical);
        assert!(fast < slow, "{fast:?} vs {slow:?}");
        // At a steady pace, the time left shrinks as the count grows.
        let mut last = typical;
        for done in (29..=290).step_by(29) {
            let left = estimate_left(done, 290, Duration::from_secs(u64::from(done)), typical);
            assert!(left < last, "{done}: {left:?} after {last:?}");
            last = left;
        }
    }

    #[test]
    fn the_progress_file_round_trips_and_is_marked_ready() {
        let root = std::env::temp_dir().join(format!("xtask-progress-{}", std::process::id()));
        fs::create_dir_all(crate::output_dir(&root, "setup")).unwrap();
        let file = progress_file(&root);
        let progress = Progress {
            state: State::Building,
            started: 1000,
            updated: 1100,
            done: Some(45),
            total: Some(290),
            left_s: Some(170),
            pid: 7,
            log: log_file(&root),
        };
        progress.write(&file).unwrap();
        assert_eq!(Progress::read(&file).as_ref(), Some(&progress));
        let text = fs::read_to_string(&file).unwrap();
        assert!(text.contains("\"state\": \"building\""), "{text}");
        mark_ready(&root).unwrap();
        let ready = Progress::read(&file).unwrap();
        fs::remove_dir_all(&root).unwrap();
        assert_eq!(ready.state, State::Ready);
        assert_eq!(ready.done, Some(45));
    }

    #[test]
    fn the_terminal_line_says_how_far_and_how_long() {
        let mut p = Progress {
            state: State::Building,
            started: 0,
            updated: 0,
            done: None,
            total: None,
            left_s: Some(360),
            pid: 1,
            log: PathBuf::from("log"),
        };
        let at = Duration::from_secs(75);
        assert_eq!(
            p.line(at),
            "downloading its crates, about 6 min left (1:15 so far)"
        );
        p.done = Some(100);
        p.total = Some(273);
        p.left_s = Some(61);
        assert_eq!(
            p.line(at),
            "100/273 crates compiled, about 2 min left (1:15 so far)"
        );
        p.left_s = Some(59);
        assert!(p.line(at).contains("less than a minute left"));
    }
}
