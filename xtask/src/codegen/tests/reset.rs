//! `cargo xtask reset NAME`: one stub back, the rest of the learner's file kept.

use std::fs;

use super::super::test_support::{ANSWER, Workspace};
use super::super::*;

const FIB: &str = "exercises/src/ch07_fibonacci.rs";

#[test]
fn reset_brings_back_one_stub_and_keeps_the_other_answers() {
    let ws = Workspace::copy();
    let chapters = chapter::read_all(&ws.0).unwrap();
    let two = chapters.iter().find(|c| c.exercises().len() >= 2).unwrap();
    let (first, second) = (two.exercises()[0], two.exercises()[1]);
    let file = format!("exercises/src/{}.rs", two.module());
    let stub = String::from_utf8(ws.read(&file)).unwrap();
    assert_eq!(stub.matches("todo!()").count(), two.exercises().len());
    let answered = stub.replace("todo!()", ANSWER);
    fs::write(ws.path(&file), &answered).unwrap();

    reset(&ws.0, &ws.target(), first).unwrap();
    let after = String::from_utf8(ws.read(&file)).unwrap();
    assert_eq!(after.matches(ANSWER).count(), two.exercises().len() - 1);
    let stub_of = |source: &str, name: &str| {
        let span = learner::fn_span(source, name).unwrap().unwrap();
        source[span].to_string()
    };
    assert_eq!(stub_of(&after, first), stub_of(&stub, first));
    assert!(stub_of(&after, second).contains(ANSWER));
    assert_eq!(ws.backup_of(&file), answered.as_bytes());

    let typo = format!("{}x", &first[..first.len() - 1]);
    let unknown = format!("{:#}", reset(&ws.0, &ws.target(), &typo).unwrap_err());
    assert!(
        unknown.contains(&format!("did you mean `{first}`?")),
        "{unknown}"
    );
}

#[test]
fn reset_stops_at_the_end_of_its_function_however_it_is_written() {
    let ws = Workspace::copy();
    let stub = String::from_utf8(ws.read(FIB)).unwrap();
    let answer = "pub fn fib_checked(n: u32) -> Result<u64, String> {\n    \
                  let s = \"}\"; // a } in a string\n    let (mut a, mut b) = (0u64, 1u64);\n    \
                  for _ in 0..n { (a, b) = (b, a + b) }\n    Ok(b) }";
    let par = "pub fn fib_par(n: u32, cutoff: u32, leaf: &(dyn Fn(u32) -> u64 + Sync)) -> u64 {\n    \
               leaf(n) // mine\n} // end";
    let answered = stub
        .replacen(
            "pub fn fib_checked(n: u32) -> Result<u64, String> {\n    todo!()\n}",
            answer,
            1,
        )
        .replacen(
            "pub fn fib_par(n: u32, cutoff: u32, leaf: &(dyn Fn(u32) -> u64 + Sync)) -> u64 {\n    todo!()\n}",
            par,
            1,
        );
    assert!(answered.contains(answer) && answered.contains(par));
    fs::write(ws.path(FIB), &answered).unwrap();

    reset(&ws.0, &ws.target(), "fib_checked").unwrap();
    let after = String::from_utf8(ws.read(FIB)).unwrap();
    assert!(after.contains(par), "fib_par's answer is kept:\n{after}");
    assert!(
        !after.contains("Ok(b)"),
        "fib_checked is the stub:\n{after}"
    );
    assert_eq!(after, stub.replacen(
        "pub fn fib_par(n: u32, cutoff: u32, leaf: &(dyn Fn(u32) -> u64 + Sync)) -> u64 {\n    todo!()\n}",
        par,
        1,
    ));
}

#[test]
fn reset_of_a_crlf_file_changes_only_the_function() {
    let ws = Workspace::copy();
    let stub = String::from_utf8(ws.read(FIB)).unwrap();
    let crlf = stub.replace('\n', "\r\n");
    fs::write(ws.path(FIB), &crlf).unwrap();
    reset(&ws.0, &ws.target(), "fib_checked").unwrap();
    assert_eq!(
        ws.read(FIB),
        crlf.as_bytes(),
        "a stub already: nothing to do"
    );
    assert!(
        !ws.target().join("backups").exists(),
        "no backup of an unchanged file"
    );

    let answered = crlf.replacen("todo!()", "mine()", 1);
    fs::write(ws.path(FIB), &answered).unwrap();
    reset(&ws.0, &ws.target(), "fib_checked").unwrap();
    assert_eq!(
        ws.read(FIB),
        crlf.as_bytes(),
        "the stub, in the file's line endings"
    );
}
