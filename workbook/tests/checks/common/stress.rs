//! The stress mode of the wrong-answer tests: with `WORKBOOK_STRESS_RUNS=N`
//! (`cargo xtask test --only checks-stress` sets it), every wrong answer is
//! graded N times while busy threads keep every core loaded, so that a
//! verdict that depends on scheduling shows as a failure naming the run.

use std::sync::Once;
use std::thread;

/// How many times each wrong answer is graded; 1 when unset.
pub const RUNS: &str = "WORKBOOK_STRESS_RUNS";

/// The runs asked for, starting the load the first time more than one is.
pub fn runs() -> usize {
    let runs = std::env::var(RUNS)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(1)
        .max(1);
    if runs > 1 {
        static LOAD: Once = Once::new();
        LOAD.call_once(load_every_core);
    }
    runs
}

/// One spinning thread per core, for the rest of the test process: the
/// checks then run on a machine with no idle core, as on a busy laptop.
fn load_every_core() {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    for _ in 0..cores {
        let spawned = thread::Builder::new().name("stress-load".into()).spawn(|| {
            loop {
                std::hint::spin_loop();
            }
        });
        spawned.expect("the stress mode could not start its load threads");
    }
}
