//! What the checks tell programs, as opposed to people: the JSON a check
//! shows in a notebook beside its text, and the lines the crates' grade
//! prints for `cargo xtask progress` and `watch`. Both sides use these names
//! and types, so they cannot drift apart.

use serde::{Deserialize, Serialize};

use super::{Report, Status};

/// The MIME type of a check's machine-readable result in a notebook: the
/// check cell's output carries it beside `text/plain` (see
/// [`Report::evcxr_display`]), and `cargo xtask progress` reads only it.
pub const NOTEBOOK_MIME: &str = "application/vnd.workbook.check+json";

/// What starts each report line of the crates' grade; the nonce follows it.
pub const JSON_PREFIX: &str = "WORKBOOK-CHECK-JSON ";

/// When set, the crates' grade prints one report line per exercise:
/// [`JSON_PREFIX`], this variable's value (a nonce only the caller knows, so
/// that an answer's own output cannot pass for a report), a space and a
/// [`Graded`] object.
pub const JSON_ENV: &str = "WORKBOOK_CHECK_JSON";

/// A comma-separated list of chapters (`01-threads`) or exercises
/// (`01-threads/map_in_threads`): the crates' grade checks only those.
pub const SELECT_ENV: &str = "WORKBOOK_CHECK_SELECT";

/// How many times the checks' own tests grade each wrong answer (their stress
/// mode, which `cargo xtask test` runs as its `checks-stress` step).
pub const STRESS_RUNS_ENV: &str = "WORKBOOK_STRESS_RUNS";

/// Set to `1` by a caller that keeps the cores busy itself while the stress
/// mode runs (`cargo xtask test` builds what its later steps need then): the
/// tests start no spinning threads of their own.
pub const STRESS_LOADED_ENV: &str = "WORKBOOK_STRESS_LOADED";

/// The outcome of a check, for programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Done,
    Wrong,
    NotStarted,
}

/// One exercise's result: in the crates' grade lines, and (with `section`,
/// `message` and `report` too) in a notebook's check output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Graded {
    /// The chapter's notebook, without `.ipynb`.
    pub notebook: String,
    pub exercise: String,
    /// The notebook section that teaches what the exercise needs.
    pub section: String,
    pub status: Outcome,
    /// What the status says: what was verified, or what is wrong.
    pub message: String,
    /// The whole report, as a person reads it.
    pub report: String,
}

impl From<&Report> for Graded {
    fn from(report: &Report) -> Graded {
        let (status, message) = match &report.status {
            Status::Done(t) => (Outcome::Done, t.clone()),
            Status::Wrong(t) => (Outcome::Wrong, t.clone()),
            Status::NotStarted => (Outcome::NotStarted, String::new()),
            Status::HelperNotStarted(f) => (
                Outcome::NotStarted,
                format!("it calls `{f}`, whose body is still `todo!()`"),
            ),
        };
        let ex = report.exercise;
        Graded {
            notebook: ex.notebook.to_string(),
            exercise: ex.name.to_string(),
            section: ex.section.to_string(),
            status,
            message,
            report: report.to_string(),
        }
    }
}

impl Graded {
    /// The report line the crates' grade prints (one line: JSON escapes line breaks).
    pub fn line(&self, nonce: &str) -> String {
        let json = serde_json::to_string(self).expect("a report always serialises");
        format!("{}{json}", marker(nonce))
    }
}

/// What a report line marked with `nonce` holds before its JSON.
pub fn marker(nonce: &str) -> String {
    format!("{JSON_PREFIX}{nonce} ")
}

/// Whether `line` looks like a report line but is not marked with `nonce`:
/// an answer's own output made to pass for its check's verdict.
pub fn is_forged(line: &str, nonce: &str) -> bool {
    line.contains(JSON_PREFIX) && !line.contains(&marker(nonce))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Exercise;

    static EX: Exercise = Exercise {
        notebook: "01-threads",
        name: "map_in_threads",
        section: "Scoped \"threads\"",
    };

    #[test]
    fn a_report_line_is_one_line_that_reads_back() {
        let report = Report {
            exercise: &EX,
            status: Status::Wrong("Case “one”:\n\tgot \\ \u{1}".into()),
        };
        let graded = Graded::from(&report);
        let line = graded.line("n0nce");
        assert!(!line.contains('\n'), "{line}");
        let json = line.strip_prefix("WORKBOOK-CHECK-JSON n0nce ").unwrap();
        assert!(json.contains("\"status\":\"wrong\""), "{json}");
        let back: Graded = serde_json::from_str(json).unwrap();
        assert_eq!(back, graded);
        assert_eq!(back.section, "Scoped \"threads\"");
        assert!(!is_forged(&line, "n0nce"));
        assert!(is_forged(&line, "other"), "a line with another nonce");
        assert!(is_forged(&graded.line(""), "n0nce"), "a line without one");
        assert!(!is_forged("an answer's own output", "n0nce"));
        let helper = Report {
            exercise: &EX,
            status: Status::HelperNotStarted("merge_counts".into()),
        };
        assert_eq!(Graded::from(&helper).status, Outcome::NotStarted);
    }
}
