//! The hostile learner of the test command's class: one answer per attack,
//! each an exercise cell of a student notebook whose `todo!()` is replaced
//! by the attack. An attack that gets through says so in its panic message
//! (`BREACH`); one that is contained panics with what the system said, or
//! ends in a way the gradebook puts in words.

use std::collections::BTreeMap;
use std::path::Path;

use super::submission::{notebook, stub_cells};
use crate::codegen::chapter::Chapter;

/// The attack in each exercise's answer; `{port}`, `{alice}` (another
/// learner's answer, by absolute path) and `{own}` (the learner's own
/// folder) are filled in.
pub const ATTACKS: [(&str, &str); 13] = [
    (
        "run_in_threads",
        r#"match std::net::TcpStream::connect(("127.0.0.1", {port})) {
            Ok(_) => panic!("BREACH: connected to 127.0.0.1"),
            Err(e) => panic!("no connection to 127.0.0.1: {e}"),
        }"#,
    ),
    (
        "map_in_threads",
        r#"let outside: std::net::SocketAddr = "192.0.2.1:80".parse().unwrap();
        match std::net::TcpStream::connect_timeout(&outside, std::time::Duration::from_secs(3)) {
            Ok(_) => panic!("BREACH: connected outside"),
            Err(e) => panic!("no connection outside: {e}"),
        }"#,
    ),
    (
        "map_on_pool",
        r#"match std::fs::read_to_string("{alice}") {
            Ok(text) => panic!("BREACH: read another learner's answer ({} bytes)", text.len()),
            Err(e) => panic!("another learner's answer is out of reach: {e}"),
        }"#,
    ),
    (
        "map_in_batches",
        r#"for path in ["../alice/exercises/src/ch01_threads.rs", "../../alice/exercises/src/ch01_threads.rs", "alice/exercises/src/ch01_threads.rs"] {
            if std::fs::read(path).is_ok() { panic!("BREACH: read {path}"); }
        }
        panic!("no relative path reached another learner's answer")"#,
    ),
    (
        "apply_pairs",
        r#"for path in ["/usr/pwned", "{own}/pwned", "/grade/grade", "/pwned"] {
            if std::fs::write(path, b"pwned").is_ok() { panic!("BREACH: wrote {path}"); }
        }
        panic!("nothing outside the scratch folder could be written")"#,
    ),
    (
        "total",
        r#"let mut started = Vec::new();
        loop {
            match std::process::Command::new("/bin/sleep").arg("600").spawn() {
                Ok(child) => started.push(child),
                Err(e) => panic!("started {} processes, then: {e}", started.len()),
            }
            if started.len() > 5000 { panic!("BREACH: 5000 processes started"); }
        }"#,
    ),
    (
        "run_batches",
        r#"let _ = std::process::Command::new("/bin/sh")
            .args(["-c", "setsid /bin/sh -c 'sleep 600' >/dev/null 2>&1 < /dev/null &"])
            .status();
        todo!()"#,
    ),
    (
        "in_completion_order",
        r#"let mut big = vec![1u8; 8 << 30];
        for i in (0..big.len()).step_by(4096) { big[i] = 2; }
        panic!("BREACH: 8 GiB allocated, {}", big[4096])"#,
    ),
    ("count_shared", r#"loop { std::hint::spin_loop(); }"#),
    (
        "transfer",
        r#"use std::io::Write;
        let block = vec![b'x'; 1 << 20];
        for _ in 0..512 {
            let _ = std::io::stdout().write_all(&block);
            let _ = std::io::stderr().write_all(&block);
        }
        todo!()"#,
    ),
    ("fill_shared", r#"std::process::exit(0)"#),
    (
        "count_words",
        r#"let mut guess = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut guess);
        let forged = workbook::check::protocol::Graded {
            notebook: "08-counting".into(),
            exercise: "count_words".into(),
            section: String::new(),
            status: workbook::check::protocol::Outcome::Done,
            message: "BREACH: a forged verdict was believed".into(),
            report: String::new(),
        };
        for nonce in [guess.trim(), "", "0"] {
            println!("\n{}", forged.line(nonce));
        }
        std::process::exit(0)"#,
    ),
    (
        "fill_chunks",
        r#"for path in ["{own}/workbook/src/check/ch05.rs", "/grade/grade"] {
            if std::fs::write(path, b"pub fn fill_chunks() {}").is_ok() { panic!("BREACH: replaced {path}"); }
        }
        todo!()"#,
    ),
];

/// Writes the hostile learner's notebooks for `chapters` into `folder`,
/// and a `workbook` folder whose checks would pass anything.
pub fn write(folder: &Path, chapters: &[Chapter], port: u16, alice: &Path) -> anyhow::Result<()> {
    let attacks: BTreeMap<&str, &str> = ATTACKS.into_iter().collect();
    let notebooks = folder.join("notebooks");
    std::fs::create_dir_all(&notebooks)?;
    for chapter in chapters {
        let cells: Vec<String> = stub_cells(chapter)
            .into_iter()
            .filter_map(|(name, stub)| {
                let attack = attacks.get(name.as_str())?;
                let attack = attack
                    .replace("{port}", &port.to_string())
                    .replace("{alice}", &alice.display().to_string())
                    .replace("{own}", &folder.display().to_string());
                Some(stub.replacen("todo!()", &format!("{{\n{attack}\n}}"), 1))
            })
            .collect();
        if cells.is_empty() {
            continue;
        }
        let notebook = notebook(cells);
        let path = notebooks.join(format!("{}.ipynb", chapter.stem));
        std::fs::write(path, serde_json::to_string(&notebook)?)?;
    }
    let checks = folder.join("workbook/src/check");
    std::fs::create_dir_all(&checks)?;
    std::fs::write(checks.join("ch05.rs"), FAKE_CHECK)?;
    std::fs::write(
        folder.join("Cargo.toml"),
        "[workspace]\n# a manifest of its own\n",
    )?;
    Ok(())
}

/// A check that passes anything: grading must never use it.
pub const FAKE_CHECK: &str = "pub fn fill_chunks<T>(_: T) -> bool { true } // done, always\n";
