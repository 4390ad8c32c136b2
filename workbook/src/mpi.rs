//! Launching MPI programs with `mpirun`, from a notebook cell or a test, with
//! clear errors instead of hangs: no `mpirun`, zero ranks, a rank that died,
//! or a run past its time limit.

use std::path::Path;
use std::process::{Command, ExitStatus};
use std::time::Duration;

use crate::process::{Ended, Run};

/// What a finished, successful `mpirun` printed.
#[derive(Clone, Debug)]
pub struct MpiRun {
    /// Everything the ranks wrote to standard output.
    pub stdout: String,
    /// Everything written to standard error.
    pub stderr: String,
    /// Wall time of the whole launch, start-up included.
    pub seconds: f64,
}

impl MpiRun {
    /// The value of `key=` in the output: `run.value("pi")` reads `pi=3.14`.
    pub fn value(&self, key: &str) -> Option<f64> {
        self.stdout
            .split_whitespace()
            .find_map(|w| w.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
    }
}

/// The hint every "no MPI" error ends with.
pub const INSTALL_HINT: &str = crate::platform::OPEN_MPI_INSTALL_HINT;

/// Runs `program args...` on `ranks` MPI ranks with `mpirun`, more ranks than
/// cores allowed, and waits at most `limit`.
///
/// # Errors
/// A message naming what went wrong: `ranks` is zero, `mpirun` or the program
/// is missing, a rank died (named by its number), or the limit passed (the
/// run is stopped, not left hanging).
///
/// ```
/// use std::time::Duration;
/// let err = workbook::mpi::mpirun(0, "mpi-pi".as_ref(), &[], Duration::from_secs(5)).unwrap_err();
/// assert!(err.contains("`ranks` must be at least 1"));
/// ```
pub fn mpirun(
    ranks: usize,
    program: &Path,
    args: &[&str],
    limit: Duration,
) -> Result<MpiRun, String> {
    mpirun_with("mpirun", ranks, program, args, limit)
}

/// [`mpirun`] with the launcher named: `srun`-like wrappers, or a test's bogus name.
pub fn mpirun_with(
    launcher: &str,
    ranks: usize,
    program: &Path,
    args: &[&str],
    limit: Duration,
) -> Result<MpiRun, String> {
    if ranks == 0 {
        return Err("mpirun: `ranks` must be at least 1, got 0".into());
    }
    let version = Run::new(Duration::from_secs(30)).start(Command::new(launcher).arg("--version"));
    if version.is_err() {
        return Err(format!(
            "`{launcher}` was not found on PATH. {INSTALL_HINT}"
        ));
    }
    if !program.exists() {
        return Err(format!(
            "{} does not exist: build the MPI programs first with `cargo build --release -p mpi-programs`.",
            program.display()
        ));
    }
    let mut cmd = Command::new(launcher);
    // More ranks than cores is fine for learning (the cores are shared), and
    // binding each rank to one core would starve the threads inside a rank.
    cmd.args(["--oversubscribe", "--bind-to", "none", "-n"])
        .arg(ranks.to_string())
        .arg(program)
        .args(args)
        // Open MPI refuses to run as root unless told it is on purpose
        // (containers and CI machines often are root).
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    // Past the limit mpirun is asked to stop first: it passes that on to every rank.
    let ran = Run::new(limit)
        .own_group()
        .start(&mut cmd)
        .map_err(|e| format!("could not start {launcher}: {e}"))?;
    let run = MpiRun {
        stdout: ran.stdout_text(),
        stderr: ran.stderr_text(),
        seconds: ran.elapsed.as_secs_f64(),
    };
    match ran.ended {
        Ended::Exited(s) if s.success() => Ok(run),
        Ended::Exited(s) => Err(failure(s, &run)),
        Ended::PastLimit | Ended::Interrupted => Err(format!(
            "the run did not finish within {} s and was stopped.\n{}",
            limit.as_secs(),
            tail(&run.stderr)
        )),
    }
}

/// Explains a failed run, naming the rank that failed first when mpirun says which.
fn failure(status: ExitStatus, run: &MpiRun) -> String {
    let text = format!("{}\n{}", run.stdout, run.stderr);
    let after = |marker: &str| text.split(marker).nth(1).map(str::trim_start);
    // Open MPI names the rank one of two ways, for a signal or an exit code.
    let by_signal = after("process rank ").and_then(|rest| {
        let rank = rest.split_whitespace().next()?.parse::<u32>().ok()?;
        let how = rest
            .lines()
            .next()?
            .split(" exited ")
            .nth(1)?
            .trim_end_matches('.');
        Some(format!(
            "rank {rank} died (exited {how}); mpirun stopped the other ranks."
        ))
    });
    let by_code = after("Process name:").and_then(|rest| {
        let name = rest.split_whitespace().next()?;
        let rank = name
            .trim_end_matches(']')
            .rsplit(',')
            .next()?
            .parse::<u32>()
            .ok()?;
        let code = after("Exit code:")?.split_whitespace().next()?;
        // Not "died": a usage error exits every rank this way, on purpose.
        Some(format!(
            "rank {rank} exited with code {code}, and mpirun ended the run."
        ))
    });
    let said = own_words(&run.stderr);
    match by_signal.or(by_code) {
        Some(what) => format!("{what}\n{said}"),
        None => format!("the run failed ({status}).\n{said}"),
    }
}

/// What the program itself wrote to stderr: Open MPI's boxed notices and
/// `[host:pid]` backtrace lines left out.
fn own_words(stderr: &str) -> String {
    let mut in_box = false;
    let mut kept = Vec::new();
    for line in stderr.lines() {
        // A rank's text written in pieces can end up glued to a box's edge
        // (`error:-----`): the edge still counts, the text before it is kept.
        let (text, edge) = match line.find("-----") {
            Some(at) => (&line[..at], true),
            None => (line, false),
        };
        if !in_box && !text.starts_with('[') && !text.trim().is_empty() {
            kept.push(text);
        }
        if edge {
            in_box = !in_box;
        }
    }
    kept[kept.len().saturating_sub(8)..].join("\n")
}

/// The last lines of a long message.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(8)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_launcher_gets_the_install_hint() {
        let err = mpirun_with(
            "no-such-mpirun",
            2,
            "x".as_ref(),
            &[],
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert!(
            err.contains("`no-such-mpirun` was not found on PATH"),
            "{err}"
        );
        assert!(err.contains(INSTALL_HINT), "{err}");
    }

    #[test]
    fn a_rank_s_words_are_kept_and_open_mpi_s_notices_left_out() {
        let dashes = "-".repeat(74);
        // As seen under load: a rank's message split around Open MPI's box.
        let stderr = format!(
            "error: invalid value '0' for '--threads <T>': at least 1\n\
             For more information, try '--help'.\n\
             error:{dashes}\n\
             Primary job  terminated normally, but 1 process returned\n\
             {dashes}\n\
             [host:123] backtrace line\n\
             {dashes}\n\
             mpirun detected that one or more processes exited with non-zero status\n\
             {dashes}\n"
        );
        assert_eq!(
            own_words(&stderr),
            "error: invalid value '0' for '--threads <T>': at least 1\n\
             For more information, try '--help'.\n\
             error:"
        );
    }

    #[test]
    fn values_are_read_from_key_equals_value_output() {
        let run = MpiRun {
            stdout: "pi=3.2 throws=1000 ranks=4\n".into(),
            stderr: String::new(),
            seconds: 0.0,
        };
        assert_eq!(run.value("pi"), Some(3.2));
        assert_eq!(run.value("ranks"), Some(4.0));
        assert_eq!(run.value("threads"), None);
    }
}
