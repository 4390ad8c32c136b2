//! Whether this runs in CI, where nothing may be skipped: one fact that many
//! commands read, kept in a module that uses no other.

/// Whether the `CI` variable is set to something other than empty, `false` or `0`.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}
