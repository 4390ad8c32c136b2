//! What a check found, and how it reads: [`Report`], [`Status`], the
//! progress table ([`summary`]), and the words of a wrong answer ([`Wrong`],
//! [`compare_lists`]).

use std::fmt::{self, Debug};

use super::protocol;

/// Where an exercise lives, so a report can send the learner back to it.
#[derive(Debug, PartialEq, Eq)]
pub struct Exercise {
    /// The chapter's notebook, without `.ipynb`: `01-threads`.
    pub notebook: &'static str,
    /// The function the learner writes.
    pub name: &'static str,
    /// The notebook section (its heading) that teaches what the exercise needs.
    pub section: &'static str,
}

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Every case passed; the text says what was verified.
    Done(String),
    /// A case failed; the text says which, what was expected and what came back.
    Wrong(String),
    /// The function still panics with `todo!()`.
    NotStarted,
    /// The function calls another one (named here) whose body is still `todo!()`.
    HelperNotStarted(String),
}

/// What a check found, ready to print.
#[derive(Clone, PartialEq, Eq)]
pub struct Report {
    /// The exercise checked.
    pub exercise: &'static Exercise,
    /// What the check found.
    pub status: Status,
}

impl Report {
    /// True when every case passed.
    pub fn is_done(&self) -> bool {
        matches!(self.status, Status::Done(_))
    }
    /// True when a case failed.
    pub fn is_wrong(&self) -> bool {
        matches!(self.status, Status::Wrong(_))
    }
    /// True while the body, or that of a function it calls, is still `todo!()`.
    pub fn is_not_started(&self) -> bool {
        matches!(
            self.status,
            Status::NotStarted | Status::HelperNotStarted(_)
        )
    }
    /// Shows the report under the check cell: the evcxr kernel calls this.
    /// The text is what the learner sees; the JSON beside it
    /// ([`protocol::NOTEBOOK_MIME`]) is what `cargo xtask progress` reads
    /// from the saved notebook.
    pub fn evcxr_display(&self) {
        print!("{}", self.evcxr_content());
    }

    /// The blocks [`Report::evcxr_display`] prints, one per MIME type.
    fn evcxr_content(&self) -> String {
        let json = serde_json::to_string(&protocol::Graded::from(self))
            .expect("a report always serialises");
        format!(
            "EVCXR_BEGIN_CONTENT text/plain\n{self}\nEVCXR_END_CONTENT\n\
             EVCXR_BEGIN_CONTENT {}\n{json}\nEVCXR_END_CONTENT\n",
            protocol::NOTEBOOK_MIME
        )
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Exercise {
            notebook,
            name,
            section,
        } = self.exercise;
        match &self.status {
            Status::Done(what) => write!(f, "✓ {name}: done. {what}"),
            Status::Wrong(problem) => write!(
                f,
                "✗ {name}: wrong. {problem}\n  Revisit {notebook}.ipynb, section “{section}”.\n  \
                 Stuck? Open hint 1 under this check, or `cargo xtask hint {name}`."
            ),
            Status::NotStarted => write!(
                f,
                "· {name}: not started (its body is still `todo!()`). \
                 It is explained in {notebook}.ipynb, section “{section}”."
            ),
            Status::HelperNotStarted(helper) => write!(
                f,
                "· {name}: not started: it calls `{helper}`, whose body is still `todo!()`. \
                 Write `{helper}` first. `{name}` is explained in {notebook}.ipynb, section “{section}”."
            ),
        }
    }
}

impl Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A progress table for many reports: one line per exercise, then the full
/// report of every wrong one.
///
/// ```
/// let reports = [workbook::check::ch01::run_in_threads(|_| todo!())];
/// let table = workbook::check::summary(&reports);
/// assert!(table.contains("0 done, 0 wrong, 1 not started"));
/// ```
pub fn summary(reports: &[Report]) -> String {
    let count = |f: fn(&Report) -> bool| reports.iter().filter(|r| f(r)).count();
    let mut out = format!(
        "{} done, {} wrong, {} not started\n",
        count(Report::is_done),
        count(Report::is_wrong),
        count(Report::is_not_started)
    );
    for r in reports {
        let mark = match r.status {
            Status::Done(_) => "✓ done       ",
            Status::Wrong(_) => "✗ wrong      ",
            Status::NotStarted | Status::HelperNotStarted(_) => "· not started",
        };
        out.push_str(&format!(
            "  {mark}  {:<24} {}.ipynb, “{}”\n",
            r.exercise.name, r.exercise.notebook, r.exercise.section
        ));
    }
    for r in reports.iter().filter(|r| r.is_wrong()) {
        out.push_str(&format!("\n{r}\n"));
    }
    out
}

/// Why an answer is wrong, in words a learner understands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wrong(pub String);

impl Wrong {
    /// A problem found in the named case.
    pub fn in_case(case: &str, problem: impl fmt::Display) -> Wrong {
        Wrong(format!("Case “{case}”: {problem}"))
    }
}

/// `n` things, with the plural (an s) when `n` is not 1: "1 thread", "3 threads".
pub(crate) fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("{n} {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Compares a returned list with the expected one and, when they differ,
/// says how: items missing, items extra, the right items in the wrong order,
/// or wrong values.
///
/// ```
/// use workbook::check::compare_lists;
/// let err = compare_lists("three jobs", &[1, 2, 3], &[3, 1, 2]).unwrap_err();
/// assert!(err.0.contains("out of order"));
/// let err = compare_lists("three jobs", &[1, 2, 3], &[1, 2]).unwrap_err();
/// assert!(err.0.contains("missing"));
/// ```
pub fn compare_lists<T: PartialEq + Ord + Clone + Debug>(
    case: &str,
    expected: &[T],
    got: &[T],
) -> Result<(), Wrong> {
    if expected == got {
        return Ok(());
    }
    let (mut want, mut have) = (expected.to_vec(), got.to_vec());
    want.sort();
    have.sort();
    let problem = if want == have {
        format!(
            "the right results, but out of order: expected {expected:?}, got {got:?}. \
             Results must come back in the order the inputs were given, \
             not the order the tasks finished."
        )
    } else if got.len() < expected.len() {
        format!(
            "expected {} results, got {}: {} missing. Expected {expected:?}, got {got:?}.",
            expected.len(),
            got.len(),
            expected.len() - got.len()
        )
    } else if got.len() > expected.len() {
        format!(
            "expected {} results, got {}: {} too many. Expected {expected:?}, got {got:?}.",
            expected.len(),
            got.len(),
            got.len() - expected.len()
        )
    } else {
        format!("expected {expected:?}, got {got:?}.")
    };
    Err(Wrong::in_case(case, problem))
}

#[cfg(test)]
mod tests {
    use super::*;

    static EX: Exercise = Exercise {
        notebook: "08-counting",
        name: "count_files",
        section: "Exercise 2",
    };

    #[test]
    fn lists_that_differ_are_explained() {
        assert!(compare_lists("c", &[1, 2], &[1, 2]).is_ok());
        let extra = compare_lists("c", &[1], &[1, 1]).unwrap_err();
        assert!(extra.0.contains("too many"), "{}", extra.0);
        let values = compare_lists("c", &[1, 2], &[1, 3]).unwrap_err();
        assert_eq!(values.0, "Case “c”: expected [1, 2], got [1, 3].");
    }

    #[test]
    fn a_count_takes_the_plural_unless_it_is_one() {
        assert_eq!(count(1, "time"), "1 time");
        assert_eq!(count(0, "thread"), "0 threads");
        assert_eq!(count(3, "chunk"), "3 chunks");
    }

    #[test]
    fn a_wrong_answer_ends_by_pointing_at_the_hints() {
        let report = Report {
            exercise: &EX,
            status: Status::Wrong("Case “c”: expected 1, got 2.".into()),
        };
        let text = report.to_string();
        assert_eq!(
            text.lines().last(),
            Some("  Stuck? Open hint 1 under this check, or `cargo xtask hint count_files`."),
            "{text}"
        );
        let done = Report {
            exercise: &EX,
            status: Status::Done("all cases".into()),
        };
        assert!(!done.to_string().contains("Stuck?"), "{done}");
    }

    #[test]
    fn the_notebook_display_holds_the_text_and_the_json() {
        let report = Report {
            exercise: &EX,
            status: Status::Wrong("Case “c”: expected 1,\ngot 2.".into()),
        };
        let shown = report.evcxr_content();
        let text = format!("EVCXR_BEGIN_CONTENT text/plain\n{report}\nEVCXR_END_CONTENT\n");
        let rest = shown
            .strip_prefix(&text)
            .expect("the text comes first, unchanged");
        let json = rest
            .strip_prefix("EVCXR_BEGIN_CONTENT application/vnd.workbook.check+json\n")
            .and_then(|r| r.strip_suffix("\nEVCXR_END_CONTENT\n"))
            .expect("then the JSON block");
        let graded: protocol::Graded = serde_json::from_str(json).unwrap();
        assert_eq!(graded, protocol::Graded::from(&report));
        assert_eq!(graded.status, protocol::Outcome::Wrong);
    }

    #[test]
    fn a_helper_not_started_is_named_and_counted_as_not_started() {
        let report = Report {
            exercise: &EX,
            status: Status::HelperNotStarted("merge_counts".into()),
        };
        assert!(report.is_not_started());
        let text = report.to_string();
        assert!(text.contains("it calls `merge_counts`"), "{text}");
        assert!(summary(&[report]).contains("0 done, 0 wrong, 1 not started"));
    }
}
