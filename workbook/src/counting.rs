//! Chapter 08's word count: files of numbers (the original's "words"), and
//! real words in real text.
//!
//! A *table* is a `Vec<u64>` indexed by value: `table[42]` is how many
//! lines read `42`. Values run from 0 to [`VALUES`] − 1. Real words are
//! counted in a `HashMap<String, u64>`.
//!
//! The whole measurements of the chapter's later cells ([`count_numbers`],
//! [`count_numbers_in_parallel`], [`count_words_in_files`]) run here, so that
//! they work whatever state the exercises are in. The merges and the word
//! split inside them are the exercises' answers: they stay private, so that a
//! learner's answer cannot just call them.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

/// Values are whole numbers from 0 to `VALUES - 1`.
pub const VALUES: usize = 100;

/// The most lines [`write_number_files`] writes in one call, all files together.
pub const MAX_LINES: usize = 1_000_000_000;

/// Writes `files` files of `lines` random values (0 to 99), one per line,
/// into `dir` (created if missing), named `numbers-00.txt`, `numbers-01.txt`, …
/// File `i` is seeded with `seed + i`: the same arguments write the same files.
///
/// ```
/// let dir = workbook::scratch_dir("doctest-numbers").unwrap();
/// let paths = workbook::counting::write_number_files(&dir, 2, 10, 1).unwrap();
/// assert_eq!(paths.len(), 2);
/// let table = workbook::counting::count_file(&paths[0]).unwrap();
/// assert_eq!(table.iter().sum::<u64>(), 10);
/// ```
///
/// # Errors
/// When the folder or a file cannot be written (the message names the path),
/// or when `files` × `lines` is more than [`MAX_LINES`] (the message names both).
pub fn write_number_files(
    dir: &Path,
    files: usize,
    lines: usize,
    seed: u64,
) -> Result<Vec<PathBuf>, String> {
    match files.checked_mul(lines) {
        Some(total) if total <= MAX_LINES => {}
        _ => {
            return Err(format!(
                "write_number_files: `files` × `lines` = {files} × {lines} is more than the \
                 {MAX_LINES} lines (about 3 GB) this helper writes: surely a typo"
            ));
        }
    }
    fs::create_dir_all(dir)
        .map_err(|e| format!("{}: cannot create the folder: {e}", dir.display()))?;
    (0..files)
        .map(|i| {
            let path = dir.join(format!("numbers-{i:02}.txt"));
            let mut rng = SmallRng::seed_from_u64(seed.wrapping_add(i as u64));
            let mut text = String::with_capacity(lines * 3);
            for _ in 0..lines {
                let _ = writeln!(text, "{}", rng.random_range(0..VALUES as u32));
            }
            fs::write(&path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
            Ok(path)
        })
        .collect()
}

/// Counts each value in `text`, one value per line. `name` is used in
/// errors: `numbers-03.txt, line 17: "4x" is not a whole number from 0 to 99`.
/// A final line break is optional, and so is one blank line at the very end;
/// Windows line ends (`\r\n`) are accepted.
///
/// ```
/// use workbook::counting::count_text;
/// let table = count_text("demo", b"3\n3\n99\n").unwrap();
/// assert_eq!((table[3], table[99], table.iter().sum::<u64>()), (2, 1, 3));
/// let err = count_text("demo", b"3\nseven\n").unwrap_err();
/// assert_eq!(err, "demo, line 2: \"seven\" is not a whole number from 0 to 99");
/// ```
pub fn count_text(name: &str, text: &[u8]) -> Result<Vec<u64>, String> {
    let mut table = vec![0u64; VALUES];
    let mut line_no = 0usize;
    let mut start = 0usize;
    // A hand-rolled parser: lines here are one to three bytes, so the cost of
    // a general `str::parse` per line would dominate the count.
    while start < text.len() {
        line_no += 1;
        let end = text[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |p| start + p);
        let mut line = &text[start..end];
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        if line.is_empty() && end + 1 >= text.len() {
            break; // a blank last line, as many editors leave
        }
        let mut value = 0usize;
        let good = !line.is_empty()
            && line.len() <= 2
            && line.iter().all(|b| {
                value = value * 10 + usize::from(b.wrapping_sub(b'0'));
                b.is_ascii_digit()
            });
        if !good || value >= VALUES {
            return Err(format!(
                "{name}, line {line_no}: {:?} is not a whole number from 0 to {}",
                String::from_utf8_lossy(line),
                VALUES - 1
            ));
        }
        table[value] += 1;
        start = end + 1;
    }
    Ok(table)
}

/// Reads the file at `path` and counts its values with [`count_text`].
///
/// # Errors
/// A file that cannot be read, or a line that is not a value: the message
/// names the file (and the line).
pub fn count_file(path: &Path) -> Result<Vec<u64>, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: cannot read it: {e}", path.display()))?;
    count_text(&path.display().to_string(), &bytes)
}

/// Every file counted with [`count_file`], one after another, the tables
/// added up: the sequential baseline.
///
/// # Errors
/// The first file that cannot be counted; the message names it.
pub fn count_numbers(paths: &[PathBuf]) -> Result<Vec<u64>, String> {
    paths.iter().try_fold(Vec::new(), |total, p| {
        Ok(merge_tables(total, count_file(p)?))
    })
}

/// Every file counted with [`count_file`] in parallel: `try_fold` keeps one
/// running table per piece of work rayon splits the list into, and
/// `try_reduce` adds those tables up.
///
/// # Errors
/// A file that cannot be counted (which one, when several fail, is not
/// promised); the message names it.
pub fn count_numbers_in_parallel(paths: &[PathBuf]) -> Result<Vec<u64>, String> {
    paths
        .par_iter()
        .try_fold(Vec::new, |total, p| Ok(merge_tables(total, count_file(p)?)))
        .try_reduce(Vec::new, |a, b| Ok(merge_tables(a, b)))
}

/// The words of every file, each file read and counted on its own in
/// parallel, and the per-file maps added up.
///
/// # Errors
/// A file that cannot be read; the message names it.
pub fn count_words_in_files(paths: &[PathBuf]) -> Result<HashMap<String, u64>, String> {
    paths
        .par_iter()
        .map(|p| {
            fs::read_to_string(p)
                .map(|text| words_in(&text))
                .map_err(|e| format!("{}: {e}", p.display()))
        })
        .try_reduce(HashMap::new, |a, b| Ok(merge_words(a, b)))
}

/// The value-by-value sum of two tables, as long as the longer one
/// (exercise 1's answer: private, see the module's notes).
///
/// ```compile_fail
/// // Not part of the public API: a learner's merge cannot call it.
/// workbook::counting::merge_tables(vec![1, 2], vec![10, 20, 30]);
/// ```
pub(crate) fn merge_tables(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    let (mut long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    long.iter_mut().zip(short).for_each(|(x, y)| *x += y);
    long
}

/// Counts the words of `text`: a word is a run of letters and digits
/// (`char::is_alphanumeric`), anything else separates words, and every word
/// is folded to lower case (`str::to_lowercase`, so `Été` and `été` agree).
/// Exercise 3's answer: private, see the module's notes.
///
/// ```compile_fail
/// // Not part of the public API: a learner's count_words cannot call it.
/// workbook::counting::words_in("Rust, rust!");
/// ```
pub(crate) fn words_in(text: &str) -> HashMap<String, u64> {
    let mut counts = HashMap::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() {
            *counts.entry(word.to_lowercase()).or_insert(0) += 1;
        }
    }
    counts
}

/// Adds the counts of `b` into `a`, word by word.
pub(crate) fn merge_words(
    mut a: HashMap<String, u64>,
    b: HashMap<String, u64>,
) -> HashMap<String, u64> {
    if a.len() < b.len() {
        return merge_words(b, a);
    }
    for (word, n) in b {
        *a.entry(word).or_insert(0) += n;
    }
    a
}

/// The `n` most frequent words, most frequent first; ties in alphabetical order.
pub fn top_words(counts: &HashMap<String, u64>, n: usize) -> Vec<(String, u64)> {
    let mut all: Vec<(String, u64)> = counts.iter().map(|(w, &c)| (w.clone(), c)).collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.truncate(n);
    all
}

/// The workbook's own chapter files (`chapters/NN-*.md`), real text that ships
/// with the project, in chapter order.
///
/// # Errors
/// When the folder cannot be read; the message names it.
pub fn chapter_files() -> Result<Vec<PathBuf>, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../chapters");
    let entries = fs::read_dir(&dir)
        .map_err(|e| format!("{}: cannot read the folder: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.ends_with(".md") && name.as_bytes().first().is_some_and(u8::is_ascii_digit)
        })
        .collect();
    paths.sort();
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_line_ends() {
        let t = count_text("t", b"0\r\n5\n5").unwrap();
        assert_eq!((t[0], t[5], t.iter().sum::<u64>()), (1, 2, 3));
        assert_eq!(count_text("t", b"").unwrap().iter().sum::<u64>(), 0);
    }

    #[test]
    fn one_blank_line_at_the_end_is_accepted() {
        for text in [&b"4\n7\n\n"[..], b"4\r\n7\r\n\r\n", b"4\n7\n\r"] {
            let t = count_text("t", text).unwrap();
            assert_eq!((t[4], t[7], t.iter().sum::<u64>()), (1, 1, 2), "{text:?}");
        }
        // Two blank lines at the end are one blank line too many.
        let err = count_text("t", b"4\n\n\n").unwrap_err();
        assert!(err.starts_with("t, line 2: \"\""), "{err}");
    }

    #[test]
    fn absurd_sizes_are_refused_by_name_before_writing() {
        let dir = crate::scratch_dir("counting-absurd").unwrap();
        for (files, lines) in [(20, usize::MAX), (usize::MAX, 2), (2, MAX_LINES)] {
            let err = write_number_files(&dir, files, lines, 1).unwrap_err();
            assert!(
                err.starts_with("write_number_files: `files` × `lines`"),
                "{err}"
            );
            assert!(err.contains(&format!("{files} × {lines}")), "{err}");
        }
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            0,
            "nothing was written"
        );
    }

    #[test]
    fn tables_of_any_lengths_merge_value_by_value() {
        assert_eq!(merge_tables(vec![1, 2], vec![10, 20, 30]), vec![11, 22, 30]);
        assert_eq!(merge_tables(vec![5], Vec::new()), vec![5]);
    }

    #[test]
    fn both_counts_of_the_same_files_agree_and_name_a_bad_file() {
        let dir = crate::scratch_dir("counting-both").unwrap();
        let mut paths = write_number_files(&dir, 5, 300, 3).unwrap();
        let sequential = count_numbers(&paths).unwrap();
        assert_eq!(sequential.iter().sum::<u64>(), 5 * 300);
        assert_eq!(count_numbers_in_parallel(&paths).unwrap(), sequential);
        let missing = dir.join("missing.txt");
        paths.push(missing.clone());
        let err = count_numbers_in_parallel(&paths).unwrap_err();
        assert!(err.contains(&missing.display().to_string()), "{err}");
    }

    #[test]
    fn words_of_several_files_add_up() {
        let dir = crate::scratch_dir("counting-words").unwrap();
        let (a, b) = (dir.join("a.md"), dir.join("b.md"));
        fs::write(&a, "Rust, rust! RUST's").unwrap();
        fs::write(&b, "(été) Été rust").unwrap();
        let words = count_words_in_files(&[a, b]).unwrap();
        assert_eq!((words["rust"], words["été"], words["s"]), (4, 2, 1));
    }

    #[test]
    fn bad_lines_are_named() {
        assert!(
            count_text("f", b"1\n\n2\n")
                .unwrap_err()
                .starts_with("f, line 2: \"\"")
        );
        assert!(
            count_text("f", b"100\n")
                .unwrap_err()
                .contains("line 1: \"100\"")
        );
        assert!(
            count_text("f", b"1\n-1\n")
                .unwrap_err()
                .contains("line 2: \"-1\"")
        );
        assert!(count_text("f", b"1 \n").unwrap_err().contains("line 1"));
    }

    #[test]
    fn words_fold_case_and_drop_punctuation() {
        let counts = words_in("Hello, hello... HELLO! don't -- x_y 42");
        assert_eq!(counts["hello"], 3);
        assert_eq!(
            (counts["don"], counts["t"], counts["x"], counts["42"]),
            (1, 1, 1, 1)
        );
        assert!(!counts.contains_key(""));
        let merged = merge_words(counts.clone(), words_in("hello y"));
        assert_eq!((merged["hello"], merged["y"]), (4, 2));
        assert_eq!(
            top_words(&merged, 2),
            vec![("hello".to_string(), 4), ("y".to_string(), 2)]
        );
    }

    #[test]
    fn the_chapters_are_found() {
        let files = chapter_files().unwrap();
        assert!(files.len() >= 10, "{files:?}");
        assert!(files[0].ends_with("00-getting-started.md"));
    }

    #[test]
    fn a_missing_file_is_named() {
        let err = count_file(Path::new("/no/such/numbers.txt")).unwrap_err();
        assert!(
            err.starts_with("/no/such/numbers.txt: cannot read it"),
            "{err}"
        );
    }
}
