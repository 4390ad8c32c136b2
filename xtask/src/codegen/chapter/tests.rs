//! Tests of the chapter reader and the model.

use super::read::cells;
use super::*;

fn markdown(cell: &Cell) -> &str {
    match cell {
        Cell::Markdown { text, .. } => text,
        Cell::Code { .. } => panic!("a code cell where Markdown was expected"),
    }
}

#[test]
fn top_level_rust_fences_are_cells_and_everything_else_stays_prose() {
    let text = "<!-- deps: rayon, rand -->\n# Title\n\nIntro.\n<!-- cell -->\nMore.\n\n\
                ```text\nnot a cell\n```\n\n- a list\n\n  ```rust\n  nested: prose\n  ```\n\n\
                ```rust exercise=f compile-fail\nuse std::{\n    sync::Arc,\n};\n\
                pub fn f() {\n    // BEGIN SOLUTION\n    Arc::new(1);\n    // END SOLUTION\n}\n```\nAfter.\n";
    let (deps, _, cells) = cells(text).unwrap();
    assert_eq!(deps, ["rayon", "rand"]);
    assert_eq!(cells.len(), 4);
    assert_eq!(markdown(&cells[0]), "# Title\n\nIntro.");
    assert!(markdown(&cells[1]).starts_with("More.\n\n```text\nnot a cell\n```"));
    assert!(markdown(&cells[1]).ends_with("  ```rust\n  nested: prose\n  ```"));
    let Cell::Code {
        source,
        exercise,
        tags,
        ..
    } = &cells[2]
    else {
        panic!("a code cell was expected");
    };
    assert!(source.starts_with("use std::{\n    sync::Arc,\n};\npub fn f() {"));
    assert!(source.ends_with("// END SOLUTION\n}"));
    assert_eq!(exercise.as_deref(), Some("f"));
    assert_eq!(tags, &["compile-fail"]);
    assert_eq!(markdown(&cells[3]), "After.");
}

#[test]
fn an_unclosed_cell_and_a_bad_name_are_errors() {
    let unclosed = cells("Text.\n\n```rust\nlet x = 1;\n").err().unwrap();
    assert_eq!(
        unclosed.to_string(),
        "line 3: code cell never closed with ```"
    );
    for bad in ["1-threads", "01_threads", "01-", "01-Threads", "AUTHORING"] {
        assert_eq!(chapter_number(bad), None, "{bad}");
    }
    assert_eq!(chapter_number("10-processes-and-mpi"), Some("10"));
}

#[test]
fn the_minutes_line_becomes_an_italic_line_under_the_title() {
    let text = "# 01 · Title\n<!-- minutes: reading=25 exercises=20 -->\n\nIntro.\n";
    let (_, minutes, parsed) = cells(text).unwrap();
    assert_eq!(
        minutes,
        Some(Minutes {
            reading: 25,
            exercises: 20
        })
    );
    assert_eq!(
        markdown(&parsed[0]),
        "# 01 · Title\n\n*Time: about 45 minutes (25 reading and running the demos, \
         20 for the exercises).*\n\nIntro."
    );
    let (_, none, _) = cells("# Title\n\nNo estimate.\n").unwrap();
    assert_eq!(none, None);
}

#[test]
fn a_malformed_or_misplaced_minutes_line_is_an_error() {
    for (text, says) in [
        (
            "# T\n<!-- minutes: reading=25 -->\n",
            "write the minutes line as",
        ),
        (
            "# T\n<!-- minutes: reading=x exercises=2 -->\n",
            "write the minutes line as",
        ),
        (
            "# T\n<!-- minutes: exercises=2 reading=3 -->\n",
            "write the minutes line as",
        ),
        (
            "# T\n<!-- minutes: reading=0 exercises=0 -->\n",
            "write the minutes line as",
        ),
        (
            "# T\n\nText.\n\n<!-- minutes: reading=5 exercises=2 -->\n",
            "right under",
        ),
        (
            "# T\n<!-- minutes: reading=5 exercises=2 -->\n# U\n<!-- minutes: reading=5 exercises=2 -->\n",
            "a second minutes line",
        ),
    ] {
        let err = cells(text).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains(says), "{text:?} gave {err:?}");
        assert!(err.starts_with("line "), "{err}");
    }
}

#[test]
fn minutes_for_exercises_in_a_chapter_without_any_is_an_error() {
    // (`exercises=0` in a chapter with exercises: codegen::tests.)
    let dir = crate::test_folder::fresh("minutes");
    let path = dir.join("01-test.md");
    fs::write(
        &path,
        "# 01 · Test\n<!-- minutes: reading=5 exercises=10 -->\n\nOnly prose.\n",
    )
    .unwrap();
    let err = parse(&path)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    let _ = fs::remove_dir_all(&dir);
    assert!(
        err.ends_with("`exercises=10` in its minutes line, but the chapter has 0 exercise(s): write exercises=0"),
        "{err}"
    );
}
