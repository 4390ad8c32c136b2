//! What the checks of chapter 04 watch an answer with: a gate that makes
//! threads contend, and a watch that tells a deadlock from slow progress.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

static GATE_IDS: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The last gate this thread passed.
    static PASSED: Cell<u64> = const { Cell::new(0) };
}

/// Holds each thread at its first `pass` until `threads` threads have
/// arrived (or half a second has gone by); later calls return at once.
pub(super) struct Gate {
    id: u64,
    threads: usize,
    arrived: AtomicUsize,
}

impl Gate {
    pub(super) fn new(threads: usize) -> Gate {
        Gate {
            id: GATE_IDS.fetch_add(1, Ordering::SeqCst),
            threads,
            arrived: AtomicUsize::new(0),
        }
    }

    /// Always true: every input is a hit.
    pub(super) fn pass(&self) -> bool {
        if PASSED.with(|p| p.replace(self.id)) != self.id {
            self.arrived.fetch_add(1, Ordering::SeqCst);
            let start = Instant::now();
            while self.arrived.load(Ordering::SeqCst) < self.threads
                && start.elapsed() < Duration::from_millis(500)
            {
                thread::yield_now();
            }
        }
        true
    }
}

/// Runs `work` on a thread of its own and waits until it finishes, or until
/// `progress` stops moving for `stall`: then the thread is stuck (it is left
/// behind, blocked) and this returns false.
pub(super) fn finishes(
    progress: Arc<AtomicU64>,
    stall: Duration,
    work: impl FnOnce() + Send + 'static,
) -> bool {
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        work();
        let _ = done.send(());
    });
    let mut last = progress.load(Ordering::SeqCst);
    let mut since = Instant::now();
    loop {
        match finished.recv_timeout(Duration::from_millis(50)) {
            Ok(()) => return true,
            Err(mpsc::RecvTimeoutError::Disconnected) => return true, // it panicked
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let now = progress.load(Ordering::SeqCst);
                if now != last {
                    last = now;
                    since = Instant::now();
                } else if since.elapsed() > stall {
                    return false;
                }
            }
        }
    }
}
