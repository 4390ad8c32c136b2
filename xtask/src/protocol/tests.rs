//! Round trips: what Rust writes, the generated Python module reads back.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use workbook::check::protocol::{Graded, NOTEBOOK_MIME, Outcome};

use super::*;
use crate::child::{self, MINUTE};
use crate::test_folder::fresh as fresh_dir;

/// Runs `script` with python3, `xtask/protocol.py` importable as `protocol`
/// and `sys.argv[1]` the folder; fails the test with Python's error.
fn python(dir: &Path, script: &str) {
    fs::write(dir.join("protocol.py"), python_module()).unwrap();
    let prelude = "import json, sys; sys.path.insert(0, sys.argv[1]); import protocol\n";
    let out = child::output(
        Command::new("python3")
            .args(["-c", &format!("{prelude}{script}")])
            .arg(dir),
        MINUTE,
    )
    .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `script` with `outs` bound to `outputs`, a notebook cell's outputs.
fn python_on_outputs(dir: &Path, outputs: &[serde_json::Value], script: &str) {
    let file = dir.join("outputs.json");
    fs::write(&file, serde_json::to_string(outputs).unwrap()).unwrap();
    python(
        dir,
        &format!("outs = json.load(open(sys.argv[1] + '/outputs.json'))\n{script}"),
    );
}

/// A build 45 units of 290 in, 10 minutes left, run by this process (alive).
fn building(dir: &Path) -> Progress {
    Progress {
        state: State::Building,
        started: 1_000,
        updated: 1_000,
        done: Some(45),
        total: Some(290),
        left_s: Some(600),
        pid: std::process::id(),
        log: dir.join("build.log"),
    }
}

#[test]
fn python_reads_the_progress_file_rust_writes_by_the_generated_names() {
    let dir = fresh_dir("protocol-progress");
    let progress = Progress {
        started: 100,
        updated: 160,
        pid: 4242,
        ..building(&dir)
    };
    let progress = Progress {
        state: State::Ready,
        ..progress
    };
    progress.write(&dir.join("progress.json")).unwrap();
    python(
        &dir,
        "p = json.load(open(sys.argv[1] + '/progress.json'))\n\
         assert p[protocol.PROGRESS_STATE] == protocol.STATE_READY, p\n\
         assert (p[protocol.PROGRESS_DONE], p[protocol.PROGRESS_TOTAL]) == (45, 290), p\n\
         assert (p[protocol.PROGRESS_STARTED], p[protocol.PROGRESS_UPDATED]) == (100, 160), p\n\
         assert (p[protocol.PROGRESS_LEFT_S], p[protocol.PROGRESS_PID]) == (600, 4242), p\n\
         assert p[protocol.PROGRESS_LOG].endswith('build.log'), p\n",
    );
}

#[test]
fn python_reads_a_checks_status_from_its_json_result() {
    let dir = fresh_dir("protocol-check");
    let graded = |status| Graded {
        notebook: "03-futures".into(),
        exercise: "total".into(),
        section: "Joining".into(),
        status,
        message: String::new(),
        report: "a report".into(),
    };
    let outputs: Vec<_> = [Outcome::Wrong, Outcome::Done, Outcome::NotStarted]
        .into_iter()
        .map(|s| serde_json::json!({ "data": { NOTEBOOK_MIME: graded(s) } }))
        .collect();
    python_on_outputs(
        &dir,
        &outputs,
        "got = [o['data'][protocol.CHECK_MIME]['status'] for o in outs]\n\
         want = [protocol.CHECK_WRONG, protocol.CHECK_DONE, protocol.CHECK_NOT_STARTED]\n\
         assert got == want, (got, want)\n",
    );
}

#[test]
fn python_reads_whether_a_model_failed_from_its_json_result() {
    let dir = fresh_dir("protocol-model");
    let outputs: Vec<_> = [true, false]
        .into_iter()
        .map(|failed| {
            let shown = workbook::model_result::ModelResult { failed, runs: 2 };
            serde_json::json!({ "data": { MODEL_MIME: shown } })
        })
        .collect();
    python_on_outputs(
        &dir,
        &outputs,
        "got = [o['data'][protocol.MODEL_MIME]['failed'] for o in outs]\n\
         assert got == [True, False], got\n",
    );
}

#[test]
fn the_module_names_every_tag_once() {
    let module = python_module();
    for tag in [
        HINT_TAG,
        SOLVED_ONLY_TAG,
        COMPILE_FAIL_TAG,
        EXPECT_WRONG_TAG,
    ] {
        assert_eq!(module.matches(&format!("\"{tag}\"")).count(), 1, "{module}");
    }
}

#[test]
fn the_placeholder_kernel_tells_the_progress_rust_writes() {
    let dir = fresh_dir("protocol-placeholder");
    building(&dir).write(&dir.join("progress.json")).unwrap();
    let jupyter = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("jupyter");
    python(
        &dir,
        &format!(
            "sys.path.insert(0, {jupyter:?}); import placeholder_kernel as k\n\
             said = k.message(k.read_json(sys.argv[1] + '/progress.json'), 1_000)\n\
             assert 'about 10 minutes left' in said and '45 of 290 crates' in said, said\n"
        ),
    );
}
