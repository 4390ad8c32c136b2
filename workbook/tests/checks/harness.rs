//! The grading harness, from the outside: what a report says when the
//! answer panics (on its own thread or one it started), is still `todo!()`
//! (or calls a function that is), never returns (spinning or waiting), or
//! leaves threads running.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use workbook::check::{Exercise, Status, exercises};

static EX: Exercise = Exercise {
    notebook: "00-test",
    name: "example",
    section: "A section",
};

#[test]
fn todo_reads_as_not_started() {
    let report = EX.grade(|| todo!());
    assert!(report.is_not_started(), "{report}");
    assert_eq!(report.status, Status::NotStarted);
    assert!(report.to_string().starts_with("· example: not started"));
}

/// Named like chapter 08's first exercise, still a stub.
fn merge_counts() -> u64 {
    todo!()
}

fn example() -> u64 {
    merge_counts() + 1
}

#[test]
fn a_helper_still_todo_is_named_not_the_finished_function() {
    let report = EX.grade(|| Ok(example().to_string()));
    assert_eq!(
        report.status,
        Status::HelperNotStarted("merge_counts".into()),
        "{report}"
    );
    // And on a thread the answer started.
    let report = EX.grade(|| Ok(thread::spawn(example).join().unwrap().to_string()));
    if cfg!(target_os = "linux") {
        assert_eq!(
            report.status,
            Status::HelperNotStarted("merge_counts".into())
        );
    }
}

#[test]
fn other_panics_read_as_wrong_with_their_message() {
    let report = EX.grade(|| {
        let empty: Vec<u8> = Vec::new();
        Ok(format!("{}", empty[3]))
    });
    assert!(report.is_wrong());
    assert!(report.to_string().contains("it panicked"), "{report}");
    assert!(
        report
            .to_string()
            .contains("Revisit 00-test.ipynb, section “A section”")
    );
}

#[test]
fn a_worker_threads_own_panic_message_reaches_the_report() {
    let report = EX.grade(|| {
        let worker = thread::spawn(|| -> u64 { panic!("boom") });
        Ok(worker.join().unwrap().to_string())
    });
    let text = report.to_string();
    assert!(report.is_wrong(), "{text}");
    if cfg!(target_os = "linux") {
        assert!(
            text.contains("a thread it started panicked: “boom”"),
            "{text}"
        );
    }
    assert!(
        !text.contains("Any { .. }") || text.contains("boom"),
        "{text}"
    );
}

#[test]
fn an_answer_that_never_returns_is_reported_as_waiting() {
    let started = Instant::now();
    let report = EX.grade_within(Duration::from_millis(200), || {
        loop {
            thread::sleep(Duration::from_millis(50));
        }
    });
    let text = report.to_string();
    assert!(text.contains("did not finish within"), "{text}");
    assert!(text.contains("it is waiting"), "{text}");
    // Run by `cargo test`, not in a notebook: no kernel to restart.
    assert!(text.contains("stays until the test process ends"), "{text}");
    assert!(!text.contains("kernel"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn an_answer_that_spins_forever_is_reported_as_spinning() {
    let stop = Arc::new(AtomicBool::new(false));
    let spin = Arc::clone(&stop);
    let report = EX.grade_within(Duration::from_millis(200), move || {
        while !spin.load(Ordering::Relaxed) {
            std::hint::spin_loop();
        }
        Ok(String::new())
    });
    stop.store(true, Ordering::Relaxed);
    let text = report.to_string();
    assert!(text.contains("did not finish within"), "{text}");
    assert!(text.contains("it is spinning"), "{text}");
    // Run by `cargo test`, not in a notebook: no kernel to restart.
    assert!(
        text.contains("keeps a core busy until the test process ends"),
        "{text}"
    );
    assert!(!text.contains("kernel"), "{text}");
}

#[test]
fn threads_left_running_make_a_right_answer_wrong() {
    let (release, blocked) = std::sync::mpsc::channel::<()>();
    let report = EX.grade(move || {
        thread::spawn(move || blocked.recv());
        Ok("right results".into())
    });
    drop(release);
    let text = report.to_string();
    if cfg!(target_os = "linux") {
        assert!(report.is_wrong(), "{text}");
        assert!(text.contains("left 1 thread(s) running (waiting"), "{text}");
    } else {
        assert!(text.contains("not checked on this platform"), "{text}");
    }

    let stop = Arc::new(AtomicBool::new(false));
    let spin = Arc::clone(&stop);
    let report = EX.grade(move || {
        thread::spawn(move || {
            while !spin.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        });
        Ok("right results".into())
    });
    stop.store(true, Ordering::Relaxed);
    if cfg!(target_os = "linux") {
        let text = report.to_string();
        assert!(
            text.contains("left 1 thread(s) running (spinning"),
            "{text}"
        );
    }
}

#[test]
fn joined_threads_and_dropped_pools_are_not_left_running() {
    let report = EX.grade(|| {
        thread::scope(|s| {
            s.spawn(|| ());
        });
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let sum: u64 = pool.install(|| {
            use rayon::prelude::*;
            (1..=10u64).into_par_iter().sum()
        });
        Ok(format!("sum {sum}"))
    });
    assert!(report.is_done(), "{report}");
}

#[test]
fn listing_the_exercises_runs_no_answer() {
    let ran = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&ran);
    let listed = exercises(move || {
        vec![EX.grade(move || {
            flag.store(true, Ordering::SeqCst);
            Ok(String::new())
        })]
    });
    assert!(!ran.load(Ordering::SeqCst));
    assert!(std::ptr::eq(listed[0], &EX));
}

/// Run again as a child process, whose panic output the parent reads.
const BESIDE: &str = "HARNESS_PANIC_BESIDE_A_CHECK";

#[test]
fn a_panic_beside_a_running_check_is_still_printed() {
    if std::env::var_os(BESIDE).is_some() {
        // The child: a check runs for a while; meanwhile another thread panics.
        let check = thread::spawn(|| {
            EX.grade(|| {
                thread::sleep(Duration::from_millis(500));
                Ok(String::new())
            })
        });
        thread::sleep(Duration::from_millis(100));
        let _ = thread::spawn(|| panic!("my own panic, beside the check")).join();
        assert!(check.join().unwrap().is_done());
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "harness::a_panic_beside_a_running_check_is_still_printed",
            "--exact",
            "--nocapture",
        ])
        .env(BESIDE, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("my own panic, beside the check"),
        "the panic was swallowed:\n{stderr}"
    );
}
