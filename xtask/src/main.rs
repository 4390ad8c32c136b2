//! `cargo xtask`: the thin binary over the `xtask` library.

fn main() -> std::process::ExitCode {
    xtask::cli::main()
}
