//! Grading the `exercises` crate: its strict test (`exercises/tests/strict.rs`)
//! runs each check in a process of its own and prints one machine-readable
//! line per exercise (`workbook::check::protocol`), read here. Shared by
//! `cargo xtask progress` and `cargo xtask watch`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
pub use workbook::check::protocol::Graded;
use workbook::check::protocol::{JSON_ENV, Outcome, SELECT_ENV, marker};

use crate::child;
use crate::codegen::chapter::Chapter;

/// A first build of the crate can take minutes; grading all of it, a few more.
const GRADE_LIMIT: Duration = Duration::from_secs(30 * 60);

/// One exercise's verdict, in the crate or in a notebook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Done,
    /// The first line of what the check said.
    Wrong(String),
    NotStarted,
    /// A notebook whose check cell has no saved output.
    NotRun,
    /// A notebook whose check cell ended in an error (an answer that did
    /// not compile, say): its first line.
    Failed(String),
    /// A notebook that could not be read (the reason is told under the table).
    Unread,
}

impl Verdict {
    pub fn is_done(&self) -> bool {
        *self == Verdict::Done
    }

    /// The table's word for it.
    pub(crate) fn word(&self) -> &'static str {
        match self {
            Verdict::Done => "✓ done",
            Verdict::Wrong(_) => "✗ wrong",
            Verdict::NotStarted => "· not started",
            Verdict::NotRun => "not run yet",
            Verdict::Failed(_) => "✗ error",
            Verdict::Unread => "(not read)",
        }
    }
}

/// What a check reported, in the crate or in a notebook.
impl From<&Graded> for Verdict {
    fn from(g: &Graded) -> Verdict {
        match g.status {
            Outcome::Done => Verdict::Done,
            Outcome::Wrong => Verdict::Wrong(first_line(&g.message)),
            Outcome::NotStarted => Verdict::NotStarted,
        }
    }
}

/// What grading the crate came to.
pub enum Grade {
    /// One entry per exercise graded.
    Reports(Vec<Graded>),
    /// The crate does not compile: cargo's error output, trimmed.
    CompileError(String),
    /// Ctrl-C stopped it.
    Stopped,
}

pub(crate) fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}

/// The chapter and exercise named `name`, or an error suggesting the closest name.
pub fn find_exercise<'a>(chapters: &'a [Chapter], name: &str) -> Result<(&'a Chapter, &'a str)> {
    for c in chapters {
        if let Some(ex) = c.exercises().into_iter().find(|e| *e == name) {
            return Ok((c, ex));
        }
    }
    let names = chapters.iter().flat_map(|c| c.exercises());
    Err(anyhow!(
        "there is no exercise named `{name}`{}",
        crate::codegen::closest(name, names)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_else(|| "; `cargo xtask progress` lists them all".to_string())
    ))
}

/// Before a first build of the exercises crate's strict test (minutes, in
/// silence, since cargo runs quietly here), says that one is coming.
/// (`cargo xtask` itself builds `xtask` into the target folder first, so
/// that folder alone tells nothing.)
pub fn announce_first_build(root: &Path, command: &str) {
    if !strict_test_built(&crate::target_dir(root)) {
        println!(
            "{command}: building the exercises crate and its tests first: the first build \
             takes a few minutes; later runs start at once."
        );
    }
}

/// Whether cargo left a strict test binary (`debug/deps/strict-HASH`) in `target`.
fn strict_test_built(target: &Path) -> bool {
    let Ok(entries) = fs::read_dir(target.join("debug/deps")) else {
        return false;
    };
    entries.flatten().any(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        name.starts_with("strict-") && !name.ends_with(".d")
    })
}

/// A value no answer can guess, which marks the grade's own report lines.
fn nonce() -> String {
    use std::hash::{BuildHasher, RandomState};
    // Each `RandomState` is keyed from the operating system's randomness.
    let part = || RandomState::new().hash_one(std::time::SystemTime::now());
    format!("{:016x}{:016x}", part(), part())
}

/// Grades the crate's answers with its strict test, only the exercises or
/// chapters in `select` (`01-threads`, `01-threads/map_in_threads`,
/// comma-separated) when given.
pub fn grade(root: &Path, select: Option<&str>) -> Result<Grade> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let nonce = nonce();
    let mut cmd = Command::new(cargo);
    cmd.args(["test", "--quiet", "-p", "exercises", "--test", "strict"])
        .args(["--", "--nocapture"])
        .current_dir(root)
        .env(JSON_ENV, &nonce)
        .env(SELECT_ENV, select.unwrap_or_default());
    let Some(out) = child::output_or_stop(&mut cmd, GRADE_LIMIT)? else {
        return Ok(Grade::Stopped);
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (graded, unreadable) = parse_lines(&stdout, &nonce);
    for problem in unreadable {
        eprintln!("{problem}");
    }
    if !graded.is_empty() {
        return Ok(Grade::Reports(graded));
    }
    if let Some(error) = compiler_errors(&stderr) {
        return Ok(Grade::CompileError(error));
    }
    if out.status.success() && select.is_some() {
        return Ok(Grade::Reports(graded));
    }
    bail!(
        "`cargo test -p exercises --test strict` reported no exercise ({}): {}",
        out.status,
        first_line(stderr.trim())
    )
}

/// The exercises' report lines among the strict test's output: only those
/// marked with `nonce` (an answer may print anything, report lines
/// included), and what was wrong with any of those that could not be read.
pub fn parse_lines(stdout: &str, nonce: &str) -> (Vec<Graded>, Vec<String>) {
    let mut graded = Vec::new();
    let mut unreadable = Vec::new();
    let ours = marker(nonce);
    for line in stdout.lines() {
        let Some(json) = line.find(&ours).map(|i| &line[i + ours.len()..]) else {
            continue;
        };
        match serde_json::from_str(json) {
            Ok(g) => graded.push(g),
            Err(e) => unreadable.push(format!(
                "A report line of the strict test could not be read ({e}), and was skipped: {json}"
            )),
        }
    }
    (graded, unreadable)
}

/// Cargo's error output from the first `error` line on, without warnings;
/// `None` when there is no compiler error.
pub fn compiler_errors(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("error"))?;
    let mut kept = Vec::new();
    let mut in_warning = false;
    for line in &lines[start..] {
        if line.starts_with("warning") {
            in_warning = true;
        } else if line.starts_with("error") {
            in_warning = false;
        }
        if !in_warning {
            kept.push(*line);
        }
    }
    const MOST: usize = 40;
    let more = kept.len().saturating_sub(MOST);
    kept.truncate(MOST);
    let mut text = kept.join("\n").trim_end().to_string();
    if more > 0 {
        let _ = write!(text, "\n… ({more} more lines)");
    }
    Some(text)
}

/// The first compiler error in one line: its message and where it is.
pub fn first_error(errors: &str) -> String {
    let mut lines = errors.lines();
    let head = lines.next().unwrap_or_default().trim();
    match lines
        .take(3)
        .find_map(|l| l.trim_start().strip_prefix("--> "))
    {
        Some(at) => format!("{head} (at {at})"),
        None => head.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::chapter;

    const LINES: &str = "\nrunning 1 test\nan answer's own print\n\
        WORKBOOK-CHECK-JSON {\"notebook\":\"07-forged\",\"exercise\":\"total\",\"section\":\"S\",\"status\":\"done\",\"message\":\"\",\"report\":\"\"}\n\
        WORKBOOK-CHECK-JSON 0ld {\"notebook\":\"07-forged\",\"exercise\":\"total\",\"section\":\"S\",\"status\":\"done\",\"message\":\"\",\"report\":\"\"}\n\
        WORKBOOK-CHECK-JSON n0nce {\"notebook\":\"01-threads\",\"exercise\":\"run_in_threads\",\"section\":\"S\",\"status\":\"done\",\"message\":\"6 jobs\",\"report\":\"✓ run_in_threads: done. 6 jobs\"}\n\
        no newline before it: WORKBOOK-CHECK-JSON n0nce {\"notebook\":\"01-threads\",\"exercise\":\"map_in_threads\",\"section\":\"T\",\"status\":\"wrong\",\"message\":\"Case “x”: got 1\\nsecond line\",\"report\":\"✗ map_in_threads: wrong.\"}\n\
        WORKBOOK-CHECK-JSON n0nce {\"notebook\":\"02-thread-pools\",\"exercise\":\"map_on_pool\",\"section\":\"U\",\"status\":\"not-started\",\"message\":\"\",\"report\":\"·\"}\n\
        test every_exercise_is_done ... FAILED\n";

    #[test]
    fn the_strict_tests_own_lines_are_read_among_other_output() {
        let (graded, unreadable) = parse_lines(LINES, "n0nce");
        assert!(unreadable.is_empty(), "{unreadable:?}");
        let verdicts: Vec<(&str, Verdict)> = graded
            .iter()
            .map(|g| (g.exercise.as_str(), Verdict::from(g)))
            .collect();
        assert_eq!(
            verdicts,
            [
                ("run_in_threads", Verdict::Done),
                ("map_in_threads", Verdict::Wrong("Case “x”: got 1".into())),
                ("map_on_pool", Verdict::NotStarted),
            ]
        );
        assert_eq!(graded[0].report, "✓ run_in_threads: done. 6 jobs");
        let broken = format!("{}{{\"notebook\": 1}}\n{LINES}", marker("n0nce"));
        let (graded, unreadable) = parse_lines(&broken, "n0nce");
        assert_eq!(graded.len(), 3, "the good lines are still read");
        assert_eq!(unreadable.len(), 1, "{unreadable:?}");
        assert!(
            unreadable[0].contains("could not be read"),
            "{unreadable:?}"
        );
    }

    #[test]
    fn a_nonce_is_new_each_time() {
        let (a, b) = (nonce(), nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32, "{a}");
    }

    #[test]
    fn a_first_build_is_told_by_the_strict_test_binary() {
        let target = std::env::temp_dir().join(format!("xtask-built-{}", std::process::id()));
        let _ = fs::remove_dir_all(&target);
        let deps = target.join("debug/deps");
        fs::create_dir_all(&deps).unwrap();
        fs::write(deps.join("strict-0123abcd.d"), "").unwrap();
        fs::write(deps.join("xtask-0123abcd"), "").unwrap();
        let before = strict_test_built(&target);
        fs::write(deps.join("strict-0123abcd"), "").unwrap();
        let after = strict_test_built(&target);
        fs::remove_dir_all(&target).unwrap();
        assert!(!before && after);
    }

    #[test]
    fn a_compiler_error_is_kept_without_the_warnings() {
        let stderr = "warning: unused variable: `x`\n --> exercises/src/ch01_threads.rs:3:9\n  |\n\n\
            error[E0308]: mismatched types\n --> exercises/src/ch01_threads.rs:12:5\n   |\n12 |     1u8\n   |     ^^^ expected `Vec<u64>`\n\n\
            warning: unused import\n --> x.rs:1:1\n\n\
            error: could not compile `exercises` (lib) due to 1 previous error; 1 warning emitted\n";
        let errors = compiler_errors(stderr).unwrap();
        assert!(
            errors.starts_with("error[E0308]: mismatched types"),
            "{errors}"
        );
        assert!(
            errors.ends_with("due to 1 previous error; 1 warning emitted"),
            "{errors}"
        );
        assert!(!errors.contains("unused"), "{errors}");
        assert_eq!(
            first_error(&errors),
            "error[E0308]: mismatched types (at exercises/src/ch01_threads.rs:12:5)"
        );
        assert_eq!(compiler_errors("warning: only a warning\n"), None);
    }

    fn chapters() -> Vec<Chapter> {
        chapter::read_all(&crate::root()).unwrap()
    }
    #[test]
    fn an_unknown_exercise_name_suggests_the_closest() {
        let chapters = chapters();
        let err = find_exercise(&chapters, "map_in_thread")
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "there is no exercise named `map_in_thread`; did you mean `map_in_threads`?"
        );
        let err = find_exercise(&chapters, "zzzzzzzzzzzzzzzzzzzz")
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`cargo xtask progress` lists them all"),
            "{err}"
        );
        let (c, ex) = find_exercise(&chapters, "fib_par").unwrap();
        assert_eq!((c.number.as_str(), ex), ("07", "fib_par"));
    }
}
