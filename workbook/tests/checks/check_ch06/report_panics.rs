//! Chapter 06's `report_every` with jobs that panic: answers that lose the
//! panicking job, let its panic through, or word it wrongly are rejected;
//! answers that catch it at `join()` pass.

use std::sync::mpsc;
use std::thread;

use workbook::check::ch06;
use workbook::panics::panic_message;
use workbook::sharing::Fallible;

use crate::common::{assert_done, assert_wrong};

type Outcome = Result<u64, String>;
type Outcomes = Vec<(usize, Outcome)>;
type Payload = Box<dyn std::any::Any + Send>;

/// Runs every job on its own thread, then joins them in order, turning each
/// join's result into an outcome with `outcome`.
fn joined_with(jobs: Vec<Fallible>, outcome: fn(thread::Result<Outcome>) -> Outcome) -> Outcomes {
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    handles
        .into_iter()
        .map(|h| outcome(h.join()))
        .enumerate()
        .collect()
}

/// The outcome the exercise asks for: a panic as `panicked: ` and its message.
fn as_asked(joined: thread::Result<Outcome>) -> Outcome {
    joined.unwrap_or_else(|payload| Err(format!("panicked: {}", panic_message(&*payload))))
}

/// Chapter 03's answer: a channel, a sender per thread. A panicking job's
/// thread dies before it sends.
fn channel_only(jobs: Vec<Fallible>) -> Outcomes {
    let (tx, rx) = mpsc::channel();
    for (i, job) in jobs.into_iter().enumerate() {
        let tx = tx.clone();
        thread::spawn(move || {
            let _ = tx.send((i, job()));
        });
    }
    drop(tx);
    rx.into_iter().collect()
}

/// Unwraps each join: the first panic goes on to the caller.
fn lets_the_panic_through(jobs: Vec<Fallible>) -> Outcomes {
    joined_with(jobs, |joined| joined.unwrap())
}

/// Reports a panic without its message.
fn panicked_without_message(jobs: Vec<Fallible>) -> Outcomes {
    joined_with(jobs, |joined| {
        joined.unwrap_or_else(|_| Err("panicked".into()))
    })
}

/// Reads only `String` payloads: `panic!("text")` without arguments carries a `&str`.
fn reads_only_strings(jobs: Vec<Fallible>) -> Outcomes {
    joined_with(jobs, |joined| {
        joined.unwrap_or_else(|payload: Payload| {
            let text = payload
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default();
            Err(format!("panicked: {text}"))
        })
    })
}

/// Catches panics, but stops reporting at the first failure.
fn stops_at_the_first_failure(jobs: Vec<Fallible>) -> Outcomes {
    let mut out = joined_with(jobs, as_asked);
    if let Some(first) = out.iter().position(|(_, outcome)| outcome.is_err()) {
        out.truncate(first + 1);
    }
    out
}

/// Catches panics, but runs one job after another.
fn one_by_one(jobs: Vec<Fallible>) -> Outcomes {
    jobs.into_iter()
        .enumerate()
        .map(|(i, job)| (i, as_asked(thread::spawn(job).join())))
        .collect()
}

#[test]
fn chapter_03s_channel_answer_loses_the_panicking_job() {
    assert_wrong(
        || ch06::report_every(channel_only),
        &[
            "job 3 panicked and was never reported",
            "Err(\"panicked: job 3 divided by zero\")",
        ],
    );
}

#[test]
fn a_panic_let_through_is_contained_and_named() {
    assert_wrong(
        || ch06::report_every(lets_the_panic_through),
        &[
            "your function panicked (“called `Result::unwrap()` on an `Err` value",
            "Job 3 panics in this case",
            "instead of unwrapping it",
        ],
    );
}

/// Refuses an empty list of jobs with a panic of its own.
fn panics_on_no_jobs(jobs: Vec<Fallible>) -> Outcomes {
    assert!(!jobs.is_empty(), "no jobs to run");
    joined_with(jobs, as_asked)
}

#[test]
fn a_panic_of_the_answers_own_is_shown_and_blames_no_job() {
    let words = [
        "Case “no jobs”",
        "your function panicked (“no jobs to run”)",
    ];
    assert_wrong(|| ch06::report_every(panics_on_no_jobs), &words);
    let text = ch06::report_every(panics_on_no_jobs).to_string();
    assert!(
        !text.contains("Job 0"),
        "no job panics in this case:\n{text}"
    );
}

#[test]
fn a_panic_without_its_message_is_rejected() {
    assert_wrong(
        || ch06::report_every(panicked_without_message),
        &[
            "job 3 should report Err(\"panicked: job 3 divided by zero\"), got Err(\"panicked\")",
            "followed by the panic's message",
        ],
    );
}

#[test]
fn a_str_payload_read_as_nothing_is_rejected() {
    assert_wrong(
        || ch06::report_every(reads_only_strings),
        &[
            "job 0 should report Err(\"panicked: job 0 found no input\"), got Err(\"panicked: \")",
            "`&str`",
        ],
    );
}

#[test]
fn stopping_at_the_first_failure_is_rejected() {
    assert_wrong(
        || ch06::report_every(stops_at_the_first_failure),
        &["never reported", "do not stop at the first error"],
    );
}

#[test]
fn one_job_after_another_ran_sequentially() {
    assert_wrong(|| ch06::report_every(one_by_one), &["ran sequentially"]);
}

#[test]
fn handles_joined_in_order_and_scoped_threads_are_right() {
    assert_done(ch06::report_every(|jobs| joined_with(jobs, as_asked)));
    assert_done(ch06::report_every(|jobs| {
        thread::scope(|s| {
            let handles: Vec<_> = jobs.into_iter().map(|job| s.spawn(job)).collect();
            handles
                .into_iter()
                .map(|h| as_asked(h.join()))
                .enumerate()
                .collect()
        })
    }));
}
