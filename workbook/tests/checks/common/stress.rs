//! The stress mode of the wrong-answer tests: with `WORKBOOK_STRESS_RUNS=N`
//! (`cargo xtask test --only checks-stress` sets it), every wrong answer is
//! graded N times while every core is busy, so that a verdict that depends
//! on scheduling shows as a failure naming the run. The load is spinning
//! threads of this process, or the caller's own work when it says it keeps
//! the cores busy itself (`WORKBOOK_STRESS_LOADED=1`).

use std::sync::Once;
use std::thread;

use workbook::check::protocol::{STRESS_LOADED_ENV, STRESS_RUNS_ENV};

/// The runs asked for (1 when unset), starting the load the first time more
/// than one is, unless the caller loads the cores.
pub fn runs() -> usize {
    let runs = std::env::var(STRESS_RUNS_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(1)
        .max(1);
    let loaded_by_caller = std::env::var(STRESS_LOADED_ENV).is_ok_and(|v| v.trim() == "1");
    if runs > 1 && !loaded_by_caller {
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
