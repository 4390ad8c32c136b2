//! Page faults: how often the operating system had to step in because the
//! program touched memory it had been promised but not yet given.
//!
//! A large allocation returns at once; each page of it is really provided,
//! and zeroed, the first time the program writes to it. Counting the faults
//! around a step shows which step paid for the memory (chapter 05).

/// Page faults of the whole process (every thread) so far, or `None` where
/// this platform does not count them.
///
/// ```
/// if let Some(before) = workbook::page_faults() {
///     let fresh = vec![1u8; 1 << 24]; // 16 MiB, written: its pages are touched
///     let after = workbook::page_faults().unwrap();
///     assert!(after > before);
///     drop(fresh);
/// }
/// ```
pub fn page_faults() -> Option<u64> {
    crate::platform::page_faults()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn writing_fresh_memory_faults_and_rewriting_it_does_not() {
        let pages = 4096; // 16 MiB of 4 KiB pages: far above the allocator's own reserve
        let mut memory: Vec<u8> = Vec::with_capacity(pages * 4096);
        let before = page_faults().unwrap();
        memory.resize(pages * 4096, 1); // first touch
        let first = page_faults().unwrap() - before;
        let before = page_faults().unwrap();
        memory.fill(2); // the same pages again
        let second = page_faults().unwrap() - before;
        assert!(first > 0, "writing fresh memory met no page fault");
        assert!(
            second < first,
            "rewriting met {second} faults, the first touch {first}"
        );
    }
}
