//! Every code cell of every chapter stays under 40 lines: a learner reads a
//! cell whole, and a long one hides what it teaches.

use std::fs;
use std::path::Path;

const MOST_LINES: usize = 40;

#[test]
fn no_code_cell_is_over_40_lines() {
    let chapters = Path::new(env!("CARGO_MANIFEST_DIR")).join("../chapters");
    let mut long = Vec::new();
    for entry in fs::read_dir(&chapters).expect("the chapters folder") {
        let path = entry.expect("a directory entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".md") || !name.as_bytes()[..2].iter().all(u8::is_ascii_digit) {
            continue;
        }
        let text = fs::read_to_string(&path).expect("a readable chapter");
        let mut open: Option<(usize, usize)> = None; // (line where the cell starts, its lines)
        for (n, line) in text.lines().enumerate() {
            match &mut open {
                None if line.starts_with("```rust") => open = Some((n + 1, 0)),
                None => {}
                Some((start, count)) => {
                    if line == "```" {
                        if *count > MOST_LINES {
                            long.push(format!("{name}:{start}: {count} lines"));
                        }
                        open = None;
                    } else {
                        *count += 1;
                    }
                }
            }
        }
    }
    assert!(
        long.is_empty(),
        "code cells over {MOST_LINES} lines (split them): {long:#?}"
    );
}
