//! What the MPI programs share: the chunk seeds that make an estimate
//! independent of how many ranks and threads run it (the chunks themselves and
//! the dart kernel come from chapter 09), the queue's task, and argument
//! parsing with clear errors.

/// The chunk seeds of chapter 09, so `mpi-pi` throws the same darts as `pi`.
pub use workbook::pi::chunk_seed;
/// The queue's task: the total Collatz steps of a block of 1000 numbers, the
/// same Collatz as chapter 10's worker processes.
pub use workbook_worker::collatz_block;

/// Reads `--name value` options. Unknown options and bad numbers are errors
/// that name the option.
pub struct Args {
    pairs: Vec<(String, String)>,
}

impl Args {
    /// Parses `args` (without the program name), accepting only `known` options.
    pub fn parse(args: impl IntoIterator<Item = String>, known: &[&str]) -> Result<Args, String> {
        let mut pairs = Vec::new();
        let mut it = args.into_iter();
        while let Some(flag) = it.next() {
            let name = flag
                .strip_prefix("--")
                .filter(|n| known.contains(n))
                .ok_or_else(|| {
                    format!(
                        "unknown argument `{flag}` (options: --{})",
                        known.join(", --")
                    )
                })?;
            let value = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
            pairs.push((name.to_string(), value));
        }
        Ok(Args { pairs })
    }

    /// The number given for `--name`, or `default`; `min` is the smallest accepted.
    pub fn number(&self, name: &str, default: u64, min: u64) -> Result<u64, String> {
        match self.pairs.iter().rev().find(|(n, _)| n == name) {
            None => Ok(default),
            Some((_, v)) => {
                let digits: String = v.chars().filter(|c| *c != '_').collect();
                let parsed = parse_number(&digits)
                    .ok_or_else(|| format!("--{name}: `{v}` is not a whole number"))?;
                if parsed < min {
                    return Err(format!("--{name} must be at least {min}, got {parsed}"));
                }
                Ok(parsed)
            }
        }
    }
}

/// A whole number, also written as a power of ten: `1e9`.
fn parse_number(text: &str) -> Option<u64> {
    if let Some((mantissa, exponent)) = text.split_once(['e', 'E']) {
        let m: u64 = mantissa.parse().ok()?;
        let e: u32 = exponent.parse().ok()?;
        return m.checked_mul(10u64.checked_pow(e)?);
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_with_underscores_and_powers_of_ten() {
        let args = Args::parse(
            [
                "--throws".into(),
                "1e6".into(),
                "--threads".into(),
                "2_0".into(),
            ],
            &["throws", "threads"],
        )
        .unwrap();
        assert_eq!(args.number("throws", 0, 1).unwrap(), 1_000_000);
        assert_eq!(args.number("threads", 1, 1).unwrap(), 20);
        assert_eq!(args.number("missing", 7, 1).unwrap(), 7);
    }

    #[test]
    fn bad_arguments_are_named() {
        let err = Args::parse(["--rank".into(), "1".into()], &["throws"])
            .err()
            .unwrap();
        assert!(err.contains("unknown argument `--rank`"), "{err}");
        let args = Args::parse(["--threads".into(), "0".into()], &["threads"]).unwrap();
        assert_eq!(
            args.number("threads", 1, 1).unwrap_err(),
            "--threads must be at least 1, got 0"
        );
        let args = Args::parse(["--throws".into(), "many".into()], &["throws"]).unwrap();
        assert!(
            args.number("throws", 1, 1)
                .unwrap_err()
                .contains("not a whole number")
        );
    }
}
