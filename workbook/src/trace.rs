//! Recording when each task ran and on which thread. Drawing the record as a
//! timeline is [`crate::chart`]'s job (`Tracer::timeline`).

use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// One task's run: what it was, which thread ran it, when it started and ended
/// (measured from the moment the [`Tracer`] was created).
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// The task's label.
    pub task: String,
    /// The thread that ran it, numbered 1, 2, 3... in order of first appearance.
    pub thread: usize,
    /// When it started, since the tracer was created.
    pub start: Duration,
    /// When it ended, since the tracer was created.
    pub end: Duration,
}

/// Records task spans from any number of threads. Share it by reference with
/// scoped threads, or in an `Arc` with spawned ones.
///
/// ```
/// use std::time::Duration;
/// let tracer = workbook::Tracer::new();
/// std::thread::scope(|s| {
///     for i in 0..3 {
///         let tracer = &tracer;
///         s.spawn(move || tracer.run(format!("task {i}"), || workbook::sleep_task(Duration::from_millis(20))));
///     }
/// });
/// assert_eq!(tracer.spans().len(), 3);
/// assert_eq!(tracer.threads(), 3);
/// ```
#[derive(Debug)]
pub struct Tracer {
    origin: Instant,
    spans: Mutex<Vec<(String, ThreadId, Duration, Duration)>>,
}

impl Default for Tracer {
    fn default() -> Self {
        Self::new()
    }
}

impl Tracer {
    /// A tracer whose clock starts now.
    pub fn new() -> Self {
        Tracer {
            origin: Instant::now(),
            spans: Mutex::new(Vec::new()),
        }
    }

    /// Runs `work` on the current thread and records it as the task `task`.
    pub fn run<T>(&self, task: impl ToString, work: impl FnOnce() -> T) -> T {
        let start = self.origin.elapsed();
        let value = work();
        let end = self.origin.elapsed();
        let me = std::thread::current().id();
        // A poisoned lock only means another task panicked; the list is still whole.
        let mut spans = self.spans.lock().unwrap_or_else(|e| e.into_inner());
        spans.push((task.to_string(), me, start, end));
        value
    }

    /// Every recorded span, earliest start first.
    pub fn spans(&self) -> Vec<Span> {
        let mut raw = self.spans.lock().unwrap_or_else(|e| e.into_inner()).clone();
        raw.sort_by_key(|r| r.2);
        let mut seen: Vec<ThreadId> = Vec::new();
        raw.into_iter()
            .map(|(task, id, start, end)| {
                let thread = match seen.iter().position(|t| *t == id) {
                    Some(i) => i + 1,
                    None => {
                        seen.push(id);
                        seen.len()
                    }
                };
                Span {
                    task,
                    thread,
                    start,
                    end,
                }
            })
            .collect()
    }

    /// How many distinct threads ran the recorded tasks.
    pub fn threads(&self) -> usize {
        self.spans().iter().map(|s| s.thread).max().unwrap_or(0)
    }

    /// The largest number of tasks that were running at the same moment.
    pub fn peak_in_flight(&self) -> usize {
        peak_overlap(&self.spans())
    }
}

/// The largest number of spans that overlap at one moment.
pub fn peak_overlap(spans: &[Span]) -> usize {
    // Sweep the start and end events in time order; at equal times, ends first.
    let mut events: Vec<(Duration, i32)> = spans
        .iter()
        .flat_map(|s| {
            // A task has some length, however short: its end comes after its start.
            let end = s.end.max(s.start + Duration::from_nanos(1));
            [(s.start, 1), (end, -1)]
        })
        .collect();
    events.sort_by_key(|&(t, delta)| (t, delta));
    let (mut now, mut peak) = (0i32, 0i32);
    for (_, delta) in events {
        now += delta;
        peak = peak.max(now);
    }
    peak as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: u64, end: u64) -> Span {
        Span {
            task: String::new(),
            thread: 1,
            start: Duration::from_millis(start),
            end: Duration::from_millis(end),
        }
    }

    #[test]
    fn back_to_back_tasks_do_not_overlap() {
        assert_eq!(peak_overlap(&[span(0, 10), span(10, 20), span(20, 30)]), 1);
    }

    #[test]
    fn overlapping_tasks_are_counted() {
        assert_eq!(peak_overlap(&[span(0, 10), span(5, 20), span(6, 7)]), 3);
        assert_eq!(peak_overlap(&[]), 0);
    }

    #[test]
    fn one_thread_in_a_loop_is_one_row() {
        let tracer = Tracer::new();
        for i in 0..3 {
            tracer.run(i, || std::thread::sleep(Duration::from_millis(1)));
        }
        assert_eq!(tracer.threads(), 1);
        assert_eq!(tracer.peak_in_flight(), 1);
        let tasks: Vec<String> = tracer.spans().into_iter().map(|s| s.task).collect();
        assert_eq!(tasks, ["0", "1", "2"]);
    }
}
