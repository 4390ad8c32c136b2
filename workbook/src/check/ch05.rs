//! Checks for chapter 05, shared arrays.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread::{self, ThreadId};

use super::probe::beyond_cores;
use super::wording::plural;
use super::{Expect, Probe, Report, Wrong, expect_parallel};

pub use super::declared::ch05::*;

const HINT: &str = "Give each thread its own range of indices and start every thread \
     before waiting for any.";

/// The value slot `i` must hold: never [`START`], so an unwritten slot shows.
fn value(i: usize) -> u64 {
    (i * i + 1) as u64
}

/// What every slot holds before the answer runs: not zero, so that adding
/// to a slot (or keeping the larger value) instead of storing shows.
const START: u64 = 3;

/// Counts, per index, how often `value_of` was asked for it, and which
/// threads asked; `caller` is the thread that calls the answer.
struct Tally {
    calls: Vec<AtomicUsize>,
    threads: Mutex<Vec<ThreadId>>,
    caller: ThreadId,
}

impl Tally {
    fn new(len: usize) -> Tally {
        Tally {
            calls: (0..len).map(|_| AtomicUsize::new(0)).collect(),
            threads: Mutex::new(Vec::new()),
            caller: thread::current().id(),
        }
    }

    fn value_of(&self, i: usize) -> u64 {
        if let Some(c) = self.calls.get(i) {
            c.fetch_add(1, Ordering::SeqCst);
        }
        let me = thread::current().id();
        let mut seen = self.threads.lock().unwrap_or_else(|e| e.into_inner());
        if !seen.contains(&me) {
            seen.push(me);
        }
        value(i)
    }

    /// Judges the call counts, then the written values; with `chunks`, the
    /// values first, since a chunk-local index shows up as both.
    fn judge(&self, case: &str, got: &[u64], threads: usize, chunks: bool) -> Result<(), Wrong> {
        if chunks {
            self.values(case, got, true)?;
            self.overlaps(case)?;
        } else {
            self.overlaps(case)?;
            self.values(case, got, false)?;
        }
        let seen = self
            .threads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        self.not_by_caller(case, &seen)?;
        let used = seen.len();
        if used > threads.max(1) {
            return Err(Wrong::in_case(
                case,
                format!("{used} threads wrote slots; at most {threads} were asked for."),
            ));
        }
        Ok(())
    }

    /// Every case, not only the one a probe watches, must write its slots
    /// on threads of its own: an answer may start threads for some sizes only.
    fn not_by_caller(&self, case: &str, seen: &[ThreadId]) -> Result<(), Wrong> {
        if !seen.contains(&self.caller) {
            return Ok(());
        }
        let problem = if seen == [self.caller] {
            format!("every slot was written on the calling thread: no thread was started. {HINT}")
        } else {
            format!(
                "the slots were written on {} threads, one of them the calling thread. Give \
                 every range to a thread of its own; the calling thread only waits.",
                seen.len()
            )
        };
        Err(Wrong::in_case(case, problem))
    }

    fn overlaps(&self, case: &str) -> Result<(), Wrong> {
        let len = self.calls.len();
        let asked = |i: usize| self.calls[i].load(Ordering::SeqCst);
        let twice: Vec<usize> = (0..len).filter(|&i| asked(i) > 1).collect();
        // Calls of value_of are counted, not writes: say what was seen.
        match twice.first() {
            Some(&i) => Err(Wrong::in_case(
                case,
                format!(
                    "value_of({i}) was asked for {} times (indices asked for more than once: {}). \
                     Each index belongs to exactly one thread's part, and its value is asked \
                     for once.",
                    asked(i),
                    preview(&twice)
                ),
            )),
            None => Ok(()),
        }
    }

    fn values(&self, case: &str, got: &[u64], chunks: bool) -> Result<(), Wrong> {
        let len = self.calls.len();
        let off: Vec<usize> = (0..len).filter(|&i| got[i] != value(i)).collect();
        let Some(&i) = off.first() else {
            return Ok(());
        };
        let asked = |i: usize| self.calls[i].load(Ordering::SeqCst) > 0;
        let store = if chunks { "`=`" } else { "`store`" };
        // Every wrong slot's value was asked for: it was stored wrongly.
        if off.iter().all(|&i| asked(i)) && got[i] == START {
            return Err(Wrong::in_case(
                case,
                format!(
                    "slot {i} still holds its starting value {START} (not 0), though value_of({i}) \
                     was asked for: the value never reached the slot (was a copy filled?), or was \
                     combined with what the slot held. Write each value into its own slot of the \
                     array you were given, with {store}."
                ),
            ));
        }
        let shown = format!(
            "slot {i} holds {}, expected value_of({i}) = {}",
            got[i],
            value(i)
        );
        if off.iter().all(|&i| asked(i)) {
            return Err(Wrong::in_case(
                case,
                format!(
                    "value_of(index) is missing from {} of {}, though it was asked for: {shown}. \
                     The slots start at {START}, not 0: write the value with {store}, do not \
                     combine it with what the slot holds.",
                    off.len(),
                    plural(len, "slot", "slots")
                ),
            ));
        }
        let hint = if chunks {
            "Inside a chunk, positions start at 0: the global index is the chunk's number \
             times the chunk size, plus the position. And every index must be covered."
        } else if got[i] == START {
            "Every index from 0 to len - 1 must belong to some thread \
             (mind the remainder when len is not a multiple of threads)."
        } else {
            "Slot i gets value_of(i), for that same i."
        };
        Err(Wrong::in_case(
            case,
            format!(
                "value_of(index) is missing from {} of {}: {}; {shown}. {hint}",
                off.len(),
                plural(len, "slot", "slots"),
                preview(&off)
            ),
        ))
    }
}

fn preview(indices: &[usize]) -> String {
    let shown: Vec<String> = indices.iter().take(8).map(|i| i.to_string()).collect();
    let more = if indices.len() > 8 { ", ..." } else { "" };
    format!("{}{more}", shown.join(", "))
}

/// The cases both exercises share: (name, slots, threads).
const CASES: [(&str, usize, usize); 5] = [
    ("an empty array", 0, 2),
    ("one slot, one thread", 1, 1),
    ("ten slots on four threads (uneven chunks)", 10, 4),
    ("three slots, eight threads", 3, 8),
    ("1000 slots on three threads", 1000, 3),
];

/// The case that watches threads at work: more threads than cores, so that
/// a pool sized by the machine cannot run them all at once, on any machine.
fn at_once_case() -> (String, usize) {
    let threads = beyond_cores(4);
    (
        format!("{} slots, {threads} threads at once", 3 * threads),
        threads,
    )
}

/// Judges the slots and what the probe saw in [`at_once_case`].
fn judge_at_once(case: &str, got: &[u64], threads: usize, probe: &Probe) -> Result<(), Wrong> {
    let want: Vec<u64> = (0..got.len()).map(value).collect();
    if got != want {
        return Err(Wrong::in_case(
            case,
            format!("expected {want:?}, got {got:?}."),
        ));
    }
    let expect = Expect {
        at_once: threads,
        threads: Some(threads),
    };
    expect_parallel(case, probe, thread::current().id(), expect, HINT)
}

/// Checks `fill_shared(slots: &[AtomicU64], threads: usize, value_of: &(dyn Fn(usize) -> u64 + Sync))`.
pub fn fill_shared(
    answer: impl Fn(&[AtomicU64], usize, &(dyn Fn(usize) -> u64 + Sync)) + Send + 'static,
) -> Report {
    FILL_SHARED.grade(move || {
        let run = |case: &str, len: usize, threads: usize| {
            let slots: Vec<AtomicU64> = (0..len).map(|_| AtomicU64::new(START)).collect();
            let tally = Tally::new(len);
            answer(&slots, threads, &|i| tally.value_of(i));
            let got: Vec<u64> = slots.iter().map(|s| s.load(Ordering::SeqCst)).collect();
            tally.judge(case, &got, threads, false)
        };
        for (case, len, threads) in CASES {
            run(case, len, threads)?;
        }
        let (case, threads) = at_once_case();
        let slots: Vec<AtomicU64> = (0..3 * threads).map(|_| AtomicU64::new(START)).collect();
        let probe = Probe::new(threads);
        answer(&slots, threads, &|i| probe.task(|| value(i)));
        let got: Vec<u64> = slots.iter().map(|s| s.load(Ordering::SeqCst)).collect();
        judge_at_once(&case, &got, threads, &probe)?;
        Ok(format!(
            "every slot was written exactly once with its value (empty, uneven, \
            more threads than slots); {threads} threads wrote at once."
        ))
    })
}

/// Checks `fill_chunks(out: &mut [u64], threads: usize, value_of: &(dyn Fn(usize) -> u64 + Sync))`.
pub fn fill_chunks(
    answer: impl Fn(&mut [u64], usize, &(dyn Fn(usize) -> u64 + Sync)) + Send + 'static,
) -> Report {
    FILL_CHUNKS.grade(move || {
        for (case, len, threads) in CASES {
            let mut out = vec![START; len];
            let tally = Tally::new(len);
            answer(&mut out, threads, &|i| tally.value_of(i));
            tally.judge(case, &out, threads, true)?;
        }
        let (case, threads) = at_once_case();
        let mut out = vec![START; 3 * threads];
        let probe = Probe::new(threads);
        answer(&mut out, threads, &|i| probe.task(|| value(i)));
        judge_at_once(&case, &out, threads, &probe)?;
        Ok(format!(
            "every slot got its value, each asked for once (empty, uneven, more threads \
            than slots); {threads} scoped threads filled their chunks at once."
        ))
    })
}
