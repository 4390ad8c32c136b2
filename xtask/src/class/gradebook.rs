//! The gradebook: one row per learner, exercise and source, written as CSV
//! with the columns `learner,exercise,source,verdict,message,seconds`.

use std::path::Path;

use anyhow::{Context, Result, bail, ensure};

/// Where an answer came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Crate,
    Notebook,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Crate => "crate",
            Source::Notebook => "notebook",
        }
    }
}

/// What grading found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Done,
    Wrong,
    NotStarted,
    /// It did not compile, crashed, or ran out of time or memory.
    Error,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Done => "done",
            Verdict::Wrong => "wrong",
            Verdict::NotStarted => "not-started",
            Verdict::Error => "error",
        }
    }
}

/// One learner's verdict on one exercise, from one source.
#[derive(Clone, Debug)]
pub struct Row {
    pub learner: String,
    pub exercise: String,
    pub source: Source,
    pub verdict: Verdict,
    pub message: String,
    pub seconds: f64,
}

/// The most a message keeps, in characters.
const MESSAGE_CHARS: usize = 300;

/// The first line of `text`, at most [`MESSAGE_CHARS`] characters.
pub fn first_line(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("").trim();
    match line.char_indices().nth(MESSAGE_CHARS - 1) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

/// The gradebook's columns, in order.
pub const COLUMNS: [&str; 6] = [
    "learner", "exercise", "source", "verdict", "message", "seconds",
];

pub fn write(path: &Path, rows: &[Row]) -> Result<()> {
    let mut out = csv::Writer::from_path(path).with_context(|| path.display().to_string())?;
    out.write_record(COLUMNS)?;
    for row in rows {
        out.write_record([
            row.learner.as_str(),
            row.exercise.as_str(),
            row.source.name(),
            row.verdict.name(),
            &first_line(&row.message),
            &format!("{:.1}", row.seconds),
        ])?;
    }
    out.flush().with_context(|| path.display().to_string())
}

/// The rows of a gradebook that [`write`] wrote.
pub fn read(path: &Path) -> Result<Vec<Row>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| path.display().to_string())?;
    let header: Vec<String> = reader.headers()?.iter().map(String::from).collect();
    ensure!(header == COLUMNS, "the gradebook's columns are {header:?}");
    let mut rows = Vec::new();
    for record in reader.records() {
        let r = record?;
        let verdict = match &r[3] {
            "done" => Verdict::Done,
            "wrong" => Verdict::Wrong,
            "not-started" => Verdict::NotStarted,
            "error" => Verdict::Error,
            other => bail!("a row's verdict is {other}"),
        };
        rows.push(Row {
            learner: r[0].into(),
            exercise: r[1].into(),
            source: if &r[2] == "notebook" {
                Source::Notebook
            } else {
                Source::Crate
            },
            verdict,
            message: r[4].into(),
            seconds: r[5].parse()?,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_one_line_of_at_most_300_characters() {
        assert_eq!(first_line("\n  first\nsecond"), "first");
        let long = "é".repeat(400);
        let cut = first_line(&long);
        assert_eq!(cut.chars().count(), MESSAGE_CHARS);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn the_gradebook_quotes_what_needs_quoting() {
        let path = std::env::temp_dir().join(format!("gradebook-{}.csv", std::process::id()));
        let row = Row {
            learner: "o'neil, jr".into(),
            exercise: "total".into(),
            source: Source::Notebook,
            verdict: Verdict::Wrong,
            message: "it said \"3\", not 4\nsecond line".into(),
            seconds: 1.25,
        };
        write(&path, &[row]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "learner,exercise,source,verdict,message,seconds\n\
             \"o'neil, jr\",total,notebook,wrong,\"it said \"\"3\"\", not 4\",1.2\n"
        );
        std::fs::remove_file(&path).unwrap();
    }
}
