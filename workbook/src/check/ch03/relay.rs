//! Jobs of chapter 03's checks that can only finish in an order the check
//! chooses, so that gathering results as they finish shows.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Jobs that can only finish in a given order: each waits until the job
/// that finishes just before it has finished. All of them must be in flight
/// for that to happen; when they are not, the relay gives up (once, for
/// everyone) and lets them finish.
pub(super) struct Relay {
    /// For each job, the job it waits for.
    after: Vec<Option<usize>>,
    done: Vec<AtomicBool>,
    gave_up: AtomicBool,
}

impl Relay {
    /// Jobs that finish last to first.
    pub(super) fn new(n: usize) -> Relay {
        Relay::in_order(&(0..n).rev().collect::<Vec<_>>())
    }

    /// Jobs that finish in `order` (a list of job indices).
    pub(super) fn in_order(order: &[usize]) -> Relay {
        let mut after = vec![None; order.len()];
        for pair in order.windows(2) {
            after[pair[1]] = Some(pair[0]);
        }
        Relay {
            after,
            done: (0..order.len()).map(|_| AtomicBool::new(false)).collect(),
            gave_up: AtomicBool::new(false),
        }
    }

    pub(super) fn leg(&self, i: usize) {
        let start = Instant::now();
        if let Some(before) = self.after[i] {
            let before = &self.done[before];
            while !before.load(Ordering::SeqCst) && !self.gave_up.load(Ordering::SeqCst) {
                if start.elapsed() > Duration::from_secs(2) {
                    self.gave_up.store(true, Ordering::SeqCst);
                }
                thread::sleep(Duration::from_millis(1));
            }
            // A head start for the previous job's result on its way back.
            thread::sleep(Duration::from_millis(5));
        }
        self.done[i].store(true, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn a_relay_in_parallel_finishes_last_to_first() {
        let n = 4;
        let relay = Relay::new(n);
        let order = Mutex::new(Vec::new());
        thread::scope(|s| {
            for i in 0..n {
                let (relay, order) = (&relay, &order);
                s.spawn(move || {
                    relay.leg(i);
                    order.lock().unwrap().push(i);
                });
            }
        });
        assert_eq!(order.into_inner().unwrap(), [3, 2, 1, 0]);
        assert!(!relay.gave_up.load(Ordering::SeqCst));
    }
}
