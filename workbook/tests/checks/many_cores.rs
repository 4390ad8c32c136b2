//! The checks on a machine with more cores than this one: the tests named
//! `…on_any_machine` run again in a child process that sees 64 cores
//! (`workbook::cpus()` and rayon's global pool both), where a wrong answer
//! sized by the cores must still be caught.

use std::process::Command;

use workbook::cpus::SIMULATED_CPUS;

#[test]
fn wrong_answers_sized_by_the_cores_are_caught_on_64_cores() {
    if std::env::var_os(SIMULATED_CPUS).is_some() {
        return; // the child: the filter below does not pick this test
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .arg("on_any_machine")
        .env(SIMULATED_CPUS, "64")
        .env("RAYON_NUM_THREADS", "64")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ran = stdout
        .lines()
        .filter(|l| l.starts_with("test ") && l.ends_with(" ... ok"))
        .count();
    assert!(ran >= 5, "too few tests ran on 64 cores:\n{stdout}");
}
