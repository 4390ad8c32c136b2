//! The task of chapter 10's worker processes, shared by the `workbook-worker`
//! program, its tests, and the MPI task queue (`mpi-programs`): how many steps of
//! the Collatz rule take a number to 1. Its cost varies from number to number
//! in a way nobody can predict, which is what makes it a good queue task.

/// How many steps of the Collatz rule (halve an even number, turn an odd `n`
/// into 3n + 1) take `n` to 1.
///
/// 0 never reaches 1 (half of 0 is 0), so it has no step count; this function
/// answers 0 for it, as for 1, rather than loop forever. Intermediate values
/// are computed in 128 bits, so large starting values do not overflow.
///
/// # Examples
///
/// ```
/// use workbook_worker::collatz_steps;
/// assert_eq!(collatz_steps(6), 8); // 6 3 10 5 16 8 4 2 1
/// assert_eq!(collatz_steps(27), 111);
/// assert_eq!(collatz_steps(1), 0);
/// assert_eq!(collatz_steps(0), 0); // by definition: 0 never reaches 1
/// ```
pub fn collatz_steps(n: u64) -> u64 {
    let mut value = u128::from(n);
    let mut steps = 0;
    while value > 1 {
        value = if value % 2 == 0 {
            value / 2
        } else {
            3 * value + 1
        };
        steps += 1;
    }
    steps
}

/// The total Collatz steps of the numbers in block `id`: `id × 1000 + 1` to
/// `(id + 1) × 1000`. The MPI task queue's task. (Blocks past
/// `u64::MAX / 1000` do not exist; their ids give 0.)
///
/// ```
/// use workbook_worker::{collatz_block, collatz_steps};
/// assert_eq!(collatz_block(0), (1..=1000).map(collatz_steps).sum::<u64>());
/// ```
pub fn collatz_block(id: u64) -> u64 {
    let Some(first) = id.checked_mul(1000).and_then(|f| f.checked_add(1)) else {
        return 0;
    };
    (first..=first.saturating_add(999)).map(collatz_steps).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_numbers_and_zero() {
        let known = [
            (0, 0),
            (1, 0),
            (2, 1),
            (3, 7),
            (6, 8),
            (7, 16),
            (27, 111),
            (97, 118),
        ];
        for (n, steps) in known {
            assert_eq!(collatz_steps(n), steps, "n = {n}");
        }
    }

    #[test]
    fn values_past_u64_do_not_overflow() {
        // The path of u64::MAX climbs far above 2^64 before it comes down.
        assert!(collatz_steps(u64::MAX) > 0);
        assert_eq!(collatz_block(u64::MAX), 0);
    }
}
