//! Strong-scaling arithmetic: speedups from timed runs, Amdahl's law, and the
//! serial fraction fitted to the runs where that law applies.
//!
//! A run is `(threads, seconds)`. The charts in [`crate::chart`] draw what
//! these functions compute; chapter 09 prints the same numbers.

/// The fit needs this many runs at least; with fewer, a curve through the
/// points says nothing.
pub const MIN_RUNS_TO_FIT: usize = 3;

/// Speedups `time(fewest) / time(n)` from (threads, seconds) runs, scaled so
/// the run with the fewest threads counts as that many times one thread.
///
/// ```
/// let s = workbook::scaling::speedups(&[(1, 8.0), (2, 4.0), (4, 2.5)]);
/// assert_eq!(s, vec![(1, 1.0), (2, 2.0), (4, 3.2)]);
/// // A sweep that starts at 2 threads counts its first run as 2 times faster.
/// assert_eq!(workbook::scaling::speedups(&[(2, 4.0), (4, 2.0)]), vec![(2, 2.0), (4, 4.0)]);
/// ```
pub fn speedups(runs: &[(usize, f64)]) -> Vec<(usize, f64)> {
    let Some(&(t0, s0)) = runs.iter().min_by_key(|r| r.0) else {
        return Vec::new();
    };
    runs.iter()
        .map(|&(t, s)| (t, s0 * t0 as f64 / s.max(f64::MIN_POSITIVE)))
        .collect()
}

/// Amdahl's law: the speedup on `n` threads when a fraction `serial` of the
/// work cannot be shared, `1 / (serial + (1 - serial) / n)`.
///
/// ```
/// use workbook::scaling::amdahl;
/// assert_eq!(amdahl(0.0, 8.0), 8.0); // nothing serial: ideal
/// assert_eq!(amdahl(1.0, 8.0), 1.0); // all serial: no gain
/// assert!((amdahl(0.1, 1e9) - 10.0).abs() < 1e-6); // 10 % serial: never past 10x
/// ```
pub fn amdahl(serial: f64, n: f64) -> f64 {
    1.0 / (serial + (1.0 - serial) / n)
}

/// The serial fraction (0 to 1) whose Amdahl curve best fits the speedups of
/// all of `runs`, by least squares over a grid of steps of 0.001. Use
/// [`fitted_serial_fraction`] to fit only the runs where the law applies.
///
/// ```
/// use workbook::scaling::{amdahl, amdahl_fit};
/// let runs: Vec<(usize, f64)> = [1, 2, 4, 8].iter().map(|&n| (n, 1.0 / amdahl(0.1, n as f64))).collect();
/// let s = amdahl_fit(&runs);
/// assert!((s - 0.1).abs() < 0.002, "{s}");
/// ```
pub fn amdahl_fit(runs: &[(usize, f64)]) -> f64 {
    let measured = speedups(runs);
    let error = |s: f64| -> f64 {
        measured
            .iter()
            .map(|&(n, sp)| (sp - amdahl(s, n as f64)).powi(2))
            .sum()
    };
    (0..=1000)
        .map(|i| i as f64 / 1000.0)
        .min_by(|a, b| error(*a).total_cmp(&error(*b)))
        .unwrap_or(0.0)
}

/// The runs Amdahl's law is fitted to: those on at most `physical_cores`
/// threads when there are two or more of them, otherwise all of `runs`.
/// The law models work shared among cores; past the physical cores, threads
/// only take turns, and their flat line would read as a large serial part.
///
/// ```
/// use workbook::scaling::fit_points;
/// let runs = [(1, 8.0), (2, 4.1), (4, 2.2), (8, 2.1)];
/// assert_eq!(fit_points(&runs, 4), vec![(1, 8.0), (2, 4.1), (4, 2.2)]);
/// assert_eq!(fit_points(&runs, 1), runs.to_vec()); // one run alone fits nothing
/// ```
pub fn fit_points(runs: &[(usize, f64)], physical_cores: usize) -> Vec<(usize, f64)> {
    let within: Vec<(usize, f64)> = runs
        .iter()
        .copied()
        .filter(|r| r.0 <= physical_cores)
        .collect();
    if within.len() >= 2 {
        within
    } else {
        runs.to_vec()
    }
}

/// The serial fraction fitted to [`fit_points`]: `None` with fewer than
/// [`MIN_RUNS_TO_FIT`] runs in all. This is the number the speedup chart and
/// chapter 09 show.
///
/// ```
/// use workbook::scaling::{amdahl, fitted_serial_fraction};
/// // 5 % serial up to the 4 cores, then flat: the flat run is left out of the fit.
/// let mut runs: Vec<(usize, f64)> = [1, 2, 4].iter().map(|&n| (n, 1.0 / amdahl(0.05, n as f64))).collect();
/// runs.push((8, runs[2].1));
/// let s = fitted_serial_fraction(&runs, 4).unwrap();
/// assert!((s - 0.05).abs() < 0.002, "{s}");
/// assert_eq!(fitted_serial_fraction(&runs[..2], 4), None);
/// ```
pub fn fitted_serial_fraction(runs: &[(usize, f64)], physical_cores: usize) -> Option<f64> {
    (runs.len() >= MIN_RUNS_TO_FIT).then(|| amdahl_fit(&fit_points(runs, physical_cores)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_runs_no_speedups() {
        assert!(speedups(&[]).is_empty());
    }

    #[test]
    fn runs_past_the_cores_change_the_fit_only_through_fit_points() {
        let runs = [(1, 8.0), (2, 4.0), (4, 2.0), (8, 2.0), (16, 2.0)];
        // Up to the 4 cores the runs are ideal; all five together are not.
        assert_eq!(fitted_serial_fraction(&runs, 4), Some(0.0));
        assert!(amdahl_fit(&runs) > 0.05);
    }
}
