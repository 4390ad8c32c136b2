//! One learner graded: their answers compiled per source, then each
//! exercise's check run alone in the sandbox, its verdict read from the
//! check's report line ([`workbook::check::protocol`]), or, when it never
//! reported, from how its process ended, in plain words.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use workbook::check::protocol::{Outcome, is_forged};
use workbook::platform::{Signal, ended_by_signal};
use workbook::process::Ended;

use super::build::{self, Compiled, Part};
use super::gradebook::{Row, Source, Verdict};
use super::rustc::Shared;
use super::sandbox::{self, Mount, Ran, Sandbox};
use super::submission::Submission;
use crate::codegen::chapter::Chapter;

/// What grading needs, shared by every learner.
pub struct Grader<'a> {
    pub sandbox: &'a Sandbox,
    pub shared: &'a Shared,
    pub chapters: &'a [Chapter],
    /// Where each learner's answers are compiled.
    pub work: &'a Path,
}

impl Grader<'_> {
    /// Every row of one learner: for each exercise, one per source that
    /// holds its chapter, or a `not-started` row when none does.
    pub fn learner(&self, slot: usize, index: usize, name: &str, found: &Submission) -> Vec<Row> {
        let mut rows = Vec::new();
        let sources = [
            (
                Source::Crate,
                found
                    .files
                    .iter()
                    .map(|(stem, a)| (stem.clone(), Part::File(a.clone())))
                    .collect(),
            ),
            (
                Source::Notebook,
                found
                    .notebooks
                    .iter()
                    .map(|(stem, n)| (stem.clone(), Part::Cells(n.clone())))
                    .collect(),
            ),
        ];
        for (source, parts) in sources {
            let parts: BTreeMap<String, Part> = parts;
            if parts.is_empty() {
                continue;
            }
            let work = self.work.join(format!("{index}-{}", source.name()));
            let compiled = build::compile(
                self.sandbox,
                slot,
                self.shared,
                self.chapters,
                &parts,
                &work,
            );
            for chapter in self.chapters.iter().filter(|c| parts.contains_key(&c.stem)) {
                for exercise in chapter.exercises() {
                    let start = Instant::now();
                    let (verdict, message) = match &compiled {
                        Err(e) => (
                            Verdict::Error,
                            format!("could not be compiled for grading: {e:#}"),
                        ),
                        Ok(c) => self.check(slot, c, chapter, exercise),
                    };
                    rows.push(Row {
                        learner: name.to_string(),
                        exercise: exercise.to_string(),
                        source,
                        verdict,
                        message,
                        seconds: start.elapsed().as_secs_f64(),
                    });
                }
            }
        }
        for chapter in self.chapters {
            for exercise in chapter.exercises() {
                if !rows.iter().any(|r| r.exercise == exercise) {
                    rows.push(Row {
                        learner: name.to_string(),
                        exercise: exercise.to_string(),
                        source: Source::Crate,
                        verdict: Verdict::NotStarted,
                        message: "no answer handed in (no file or notebook for its chapter)".into(),
                        seconds: 0.0,
                    });
                }
            }
        }
        let order = |ex: &str| {
            self.chapters
                .iter()
                .flat_map(|c| c.exercises())
                .position(|e| e == ex)
        };
        rows.sort_by_key(|r| (order(&r.exercise), r.source));
        rows
    }

    /// Runs one exercise's check on a compiled source.
    fn check(
        &self,
        slot: usize,
        compiled: &Compiled,
        chapter: &Chapter,
        exercise: &str,
    ) -> (Verdict, String) {
        if let Some(why) = compiled.failed.get(exercise) {
            return (Verdict::Error, why.clone());
        }
        let mounts = [Mount {
            host: compiled.dir.clone(),
            inside: "/grade",
            writable: false,
        }];
        let program = self.sandbox.path(&mounts[0]).join("grade");
        let key = format!("{}/{exercise}", chapter.stem);
        let nonce = nonce();
        match self.sandbox.run(
            slot,
            &mounts,
            &program,
            &[key],
            &format!("{nonce}\n"),
            sandbox::CHECK,
        ) {
            Ok(ran) => verdict(&ran, &nonce),
            Err(e) => (Verdict::Error, format!("its check could not start: {e:#}")),
        }
    }
}

/// A fresh token the check's report line must carry.
fn nonce() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What an answer that forged its check's report line gets.
const FORGED: &str = "the answer printed something that looks like a verdict (a line of the \
    grader's own report format): an answer must not print it, so it is not graded";

/// The verdict of a check's run: its report when it gave one, else how it
/// ended; an error when the answer printed a report line of its own.
fn verdict(ran: &Ran, nonce: &str) -> (Verdict, String) {
    let stdout = String::from_utf8_lossy(&ran.stdout);
    if stdout.lines().any(|line| is_forged(line, nonce)) {
        return (Verdict::Error, FORGED.into());
    }
    let (reports, _) = crate::grading::parse_lines(&stdout, nonce);
    let report = reports.into_iter().last();
    let flood = (ran.printed > sandbox::KEPT_OUTPUT as u64 * 2).then(|| {
        format!(
            " It printed {} MB of output, of which the grader kept only the start.",
            ran.printed / 1_000_000
        )
    });
    let (verdict, message) = match report {
        Some(g) => match g.status {
            Outcome::Done => (Verdict::Done, g.message),
            Outcome::Wrong => (Verdict::Wrong, g.message),
            Outcome::NotStarted if g.message.is_empty() => (
                Verdict::NotStarted,
                "not started: its body is still todo!()".into(),
            ),
            Outcome::NotStarted => (Verdict::NotStarted, g.message),
        },
        None => (Verdict::Error, ended(ran)),
    };
    let stop = if message.ends_with(['.', '!', '?', '…']) {
        ""
    } else {
        "."
    };
    match flood {
        Some(flood) => (verdict, format!("{message}{stop}{flood}")),
        None => (verdict, message),
    }
}

/// How a check that never reported ended, in a learner's words.
fn ended(ran: &Ran) -> String {
    let stderr = String::from_utf8_lossy(&ran.stderr);
    let limits = sandbox::CHECK;
    let Ended::Exited(exit) = ran.ended else {
        return format!(
            "it ran out of time: its check was stopped after {} s, with everything it started",
            limits.wall.as_secs()
        );
    };
    if stderr.contains("memory allocation of") || stderr.contains("out of memory") {
        return format!(
            "it ran out of memory: a check may use {} GiB, and it asked for more",
            limits.memory_bytes >> 30
        );
    }
    if let Some(line) = stderr.lines().find(|l| l.starts_with("bwrap:")) {
        return format!("the sandbox did not start: {line}");
    }
    if let Some(signal) = ended_by_signal(exit) {
        return match signal {
            Signal::CpuTime => format!(
                "it ran out of CPU time: a check may use {} s of processor time",
                limits.cpu_secs
            ),
            Signal::MemoryFault => {
                "it crashed (a memory access fault) before its check reported".into()
            }
            Signal::Abort => "it aborted the process before its check reported".into(),
            Signal::Other(n) => {
                format!("its process was killed (signal {n}) before its check reported")
            }
        };
    }
    match exit.code() {
        Some(0) => "it ended the process (std::process::exit) before its check reported: an answer must return its result".into(),
        Some(code) => format!("it ended the process with exit code {code} before its check reported"),
        None => "its process ended before its check reported".into(),
    }
}

// Both tests make real exit statuses with Unix programs and signals.
#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_verdict_without_the_nonce_makes_the_row_an_error() {
        use workbook::check::protocol::Graded;
        let done = Graded {
            notebook: "08-counting".into(),
            exercise: "count_words".into(),
            section: String::new(),
            status: Outcome::Done,
            message: "forged".into(),
            report: String::new(),
        };
        let success = std::process::Command::new("true").status().unwrap();
        let ran = |lines: &[String]| Ran {
            ended: Ended::Exited(success),
            stdout: lines.join("\n").into_bytes(),
            stderr: Vec::new(),
            elapsed: std::time::Duration::ZERO,
            printed: 0,
        };
        let honest = ran(&[done.line("n0nce")]);
        assert_eq!(verdict(&honest, "n0nce").0, Verdict::Done);
        for forged in [done.line("guess"), done.line("")] {
            let both = ran(&[forged.clone(), done.line("n0nce")]);
            assert_eq!(verdict(&both, "n0nce"), (Verdict::Error, FORGED.into()));
            let alone = ran(&[forged]);
            assert_eq!(verdict(&alone, "n0nce"), (Verdict::Error, FORGED.into()));
        }
    }

    #[test]
    fn a_check_out_of_cpu_time_is_told_so_in_a_learners_words() {
        let spin = ["-c".to_string(), "while :; do :; done".to_string()];
        let limits = sandbox::Limits {
            cpu_secs: 1,
            ..sandbox::CHECK
        };
        let ran = Sandbox::None
            .run(0, &[], Path::new("/bin/sh"), &spin, "", limits)
            .unwrap();
        let (verdict, message) = verdict(&ran, "n0nce");
        assert_eq!(verdict, Verdict::Error);
        assert!(message.contains("ran out of CPU time"), "{message}");
    }
}
