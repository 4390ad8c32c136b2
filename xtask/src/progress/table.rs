//! The progress table: verdicts in the crate and in the notebooks, the
//! totals, the time left and what to do next.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use workbook::check::protocol::Graded;

use crate::codegen::chapter::Chapter;
use crate::grading::Verdict;

/// The progress table, the totals, the time left and what to do next;
/// with `only`, that exercise's row alone.
pub(super) fn table(
    chapters: &[Chapter],
    krate: &BTreeMap<(String, String), Graded>,
    notebooks: &BTreeMap<(String, String), Verdict>,
    only: Option<&str>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<22} {:>7}  {:<22} {:<15} Notebook",
        "Chapter", "Time", "Exercise", "Crate"
    );
    let mut wrong = Vec::new();
    let mut total = (0, 0, 0, 0); // exercises, crate done, notebook done, either done
    let mut left = 0;
    let mut course = 0;
    let mut next: Option<(&Chapter, &str, String)> = None;
    // Reading counts as done up to the last chapter with an exercise done.
    let last_started = chapters.iter().rposition(|c| {
        c.exercises().iter().any(|ex| {
            let key = (c.stem.clone(), ex.to_string());
            krate.get(&key).is_some_and(|g| Verdict::from(g).is_done())
                || notebooks.get(&key).is_some_and(Verdict::is_done)
        })
    });
    for (i, c) in chapters.iter().enumerate() {
        course += c.minutes.total();
        let time = format!("{} min", c.minutes.total());
        let mut all_done = true;
        let mut first = true;
        for ex in c.exercises() {
            let key = (c.stem.clone(), ex.to_string());
            let in_crate = krate.get(&key).map(Verdict::from);
            let in_notebook = notebooks.get(&key).cloned().unwrap_or(Verdict::NotRun);
            let done = in_crate.as_ref().is_some_and(Verdict::is_done) || in_notebook.is_done();
            total.0 += 1;
            total.1 += usize::from(in_crate.as_ref().is_some_and(Verdict::is_done));
            total.2 += usize::from(in_notebook.is_done());
            total.3 += usize::from(done);
            all_done &= done;
            if !done && next.is_none() {
                let section = krate
                    .get(&key)
                    .map(|g| g.section.clone())
                    .unwrap_or_default();
                next = Some((c, ex, section));
            }
            for (place, v) in [
                ("crate", in_crate.as_ref()),
                ("notebook", Some(&in_notebook)),
            ] {
                if let Some(Verdict::Wrong(why) | Verdict::Failed(why)) = v {
                    wrong.push(format!("  {ex} ({place}): {why}"));
                }
            }
            if only.is_some_and(|o| o != ex) {
                continue;
            }
            let crate_word = in_crate.as_ref().map_or("(not graded)", Verdict::word);
            let (name, shown) = if first || only.is_some() {
                (c.stem.as_str(), time.as_str())
            } else {
                ("", "")
            };
            first = false;
            let _ = writeln!(
                out,
                "{name:<22} {shown:>7}  {ex:<22} {crate_word:<15} {}",
                in_notebook.word()
            );
        }
        if c.exercises().is_empty() && only.is_none() {
            let _ = writeln!(out, "{:<22} {time:>7}  (reading only)", c.stem);
        }
        let read = last_started.is_some_and(|last| i <= last);
        if !read {
            left += c.minutes.reading;
        }
        if !all_done {
            left += c.minutes.exercises;
        }
    }
    if only.is_some() {
        if !wrong.is_empty() {
            let _ = writeln!(out, "\nWhat the checks said:\n{}", wrong.join("\n"));
        }
        return out;
    }
    let _ = writeln!(
        out,
        "\nDone: {} of {} exercises in either place ({} in the crate, {} in the notebooks).",
        total.3, total.0, total.1, total.2
    );
    if !wrong.is_empty() {
        let _ = writeln!(out, "Not right yet:\n{}", wrong.join("\n"));
    }
    let _ = writeln!(
        out,
        "Left: about {} of the course's {}. (A chapter counts as read once one of its \
         exercises, or one in a later chapter, is done; its exercise time counts once all \
         its exercises are done, in the crate or in the notebook.)",
        hours(left),
        hours(course)
    );
    match next {
        Some((c, ex, section)) => {
            let section = if section.is_empty() {
                String::new()
            } else {
                format!(", section “{section}”")
            };
            let _ = writeln!(
                out,
                "Next: `{ex}`: write it in exercises/src/{}.rs, or in notebooks/{}.ipynb{section}.",
                c.module(),
                c.stem
            );
        }
        None => {
            let _ = writeln!(out, "Next: nothing: every exercise is done.");
        }
    }
    out
}

/// `1 h 05 min`, or `40 min`.
fn hours(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::chapter;
    use workbook::check::protocol::Outcome;

    fn chapters() -> Vec<Chapter> {
        chapter::read_all(&crate::root()).unwrap()
    }

    #[test]
    fn the_table_counts_either_place_and_names_the_next_exercise() {
        let chapters = chapters();
        let c1 = chapters.iter().find(|c| c.number == "01").unwrap();
        let [first, second] = c1.exercises()[..] else {
            panic!("chapter 01 has two exercises");
        };
        let graded = |ex: &str, status: Outcome| Graded {
            notebook: c1.stem.clone(),
            exercise: ex.into(),
            section: "Sec".into(),
            status,
            message: "Case “c”: got 2\nmore".into(),
            report: String::new(),
        };
        let key = |ex: &str| (c1.stem.clone(), ex.to_string());
        let untouched = table(&chapters, &BTreeMap::new(), &BTreeMap::new(), None);
        let course: u32 = chapters.iter().map(|c| c.minutes.total()).sum();
        assert!(
            untouched.contains(&format!(
                "Left: about {} of the course's {}",
                hours(course),
                hours(course)
            )),
            "{untouched}"
        );
        assert!(untouched.contains("Done: 0 of"), "{untouched}");
        assert!(
            untouched.contains(&format!(
                "Next: `{first}`: write it in exercises/src/{}.rs",
                c1.module()
            )),
            "{untouched}"
        );

        let krate = BTreeMap::from([
            (key(first), graded(first, Outcome::Done)),
            (key(second), graded(second, Outcome::Wrong)),
        ]);
        let notebooks = BTreeMap::from([(key(second), Verdict::Done)]);
        let out = table(&chapters, &krate, &notebooks, None);
        let count: usize = chapters.iter().map(|c| c.exercises().len()).sum();
        assert!(
            out.contains(&format!(
                "Done: 2 of {count} exercises in either place (1 in the crate, 1 in the notebooks)"
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!("  {second} (crate): Case “c”: got 2\n")),
            "{out}"
        );
        // Chapters 00 and 01 are read and chapter 01's exercises are done.
        let c0 = &chapters[0];
        let left = course - c0.minutes.total() - c1.minutes.total();
        assert!(
            out.contains(&format!("Left: about {} of", hours(left))),
            "{out}"
        );
        let c2 = chapters.iter().find(|c| c.number == "02").unwrap();
        assert!(
            out.contains(&format!("Next: `{}`", c2.exercises()[0])),
            "{out}"
        );
        let row = out.lines().find(|l| l.contains(second)).unwrap();
        assert!(row.contains("✗ wrong") && row.ends_with("✓ done"), "{row}");
        let row = out.lines().find(|l| l.contains(first)).unwrap();
        assert!(
            row.starts_with(&c1.stem) && row.ends_with("not run yet"),
            "{row}"
        );
    }

    #[test]
    fn hours_read_well() {
        assert_eq!(hours(40), "40 min");
        assert_eq!(hours(65), "1 h 05 min");
        assert_eq!(hours(615), "10 h 15 min");
    }
}
