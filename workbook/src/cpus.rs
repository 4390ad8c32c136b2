//! Counting CPUs three ways, because the three numbers differ and each one
//! answers a different question.

use std::fmt;

/// The machine's CPU counts, as this process sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cpus {
    /// Logical CPUs the operating system has online: every hardware thread
    /// (with hyper-threading, two per core). Python's `os.cpu_count()`.
    pub logical: usize,
    /// Physical cores: the units that really compute side by side.
    pub physical: usize,
    /// How many threads this process may run at once: logical CPUs less any
    /// limit set by CPU affinity or a container's CPU quota.
    /// `std::thread::available_parallelism()`, and rayon's default pool size.
    pub available: usize,
}

/// Reads the CPU counts of this machine and process.
///
/// # Examples
///
/// ```
/// let cpus = workbook::cpus();
/// // Affinity and quotas only ever take CPUs away.
/// assert!(cpus.available >= 1 && cpus.available <= cpus.logical);
/// // A core runs one or more hardware threads, never less than one.
/// assert!(cpus.physical >= 1 && cpus.physical <= cpus.logical);
/// // rayon sizes its global pool by the same count (unless told otherwise).
/// if std::env::var_os("RAYON_NUM_THREADS").is_none() {
///     assert_eq!(rayon::current_num_threads(), cpus.available);
/// }
/// assert!(cpus.to_string().contains(&format!("available       {:>3}", cpus.available)));
/// // What computes side by side: never more cores than this process may use.
/// assert!(cpus.side_by_side() <= cpus.available && cpus.side_by_side() <= cpus.physical);
/// ```
pub fn cpus() -> Cpus {
    if let Some(n) = simulated() {
        return Cpus {
            logical: n,
            physical: n,
            available: n,
        };
    }
    let available = std::thread::available_parallelism().map_or(1, |n| n.get());
    Cpus {
        logical: crate::platform::online_cpus().unwrap_or(available),
        physical: num_cpus::get_physical().max(1),
        available,
    }
}

impl Cpus {
    /// The cores that can compute side by side for this process: the
    /// physical cores, or fewer when affinity or a CPU quota leaves fewer
    /// `available` (the physical count comes from the hardware's description
    /// and knows of no such limit: 4 CPUs granted on a 64-core node are 4).
    pub fn side_by_side(&self) -> usize {
        self.physical.min(self.available)
    }
}

/// Set to a number, every count reads as that number: how the checks are
/// tested for a machine with more cores than the one they run on.
pub const SIMULATED_CPUS: &str = "WORKBOOK_CPUS";

fn simulated() -> Option<usize> {
    std::env::var(SIMULATED_CPUS)
        .ok()?
        .trim()
        .parse()
        .ok()
        .filter(|&n| n > 0)
}

impl fmt::Display for Cpus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "logical CPUs    {:>3}  hardware threads the OS schedules on (Python's os.cpu_count())",
            self.logical
        )?;
        writeln!(
            f,
            "physical cores  {:>3}  cores that really compute side by side",
            self.physical
        )?;
        write!(
            f,
            "available       {:>3}  threads this process may run at once (affinity and container limits applied)",
            self.available
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Cpus;

    #[test]
    fn a_quota_or_hyper_threads_cut_the_cores_side_by_side() {
        let granted_four_of_64 = Cpus {
            logical: 128,
            physical: 64,
            available: 4,
        };
        assert_eq!(granted_four_of_64.side_by_side(), 4);
        let hyper_threaded = Cpus {
            logical: 8,
            physical: 4,
            available: 8,
        };
        assert_eq!(hyper_threaded.side_by_side(), 4);
    }
}
