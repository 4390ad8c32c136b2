//! Your answers to the workbook's exercises, one module per chapter, the same
//! functions the notebooks ask for. Fill in the `todo!()`s, then run
//! `cargo test -p solutions` (a summary of your progress) or
//! `cargo test -p exercises` (passes only when every exercise is done).
//! Generated from chapters/; `cargo xtask gen` keeps your answers, `gen --force` replaces them after a backup.

pub mod ch01_threads;
pub mod ch02_thread_pools;
pub mod ch03_futures;
pub mod ch04_locks;
pub mod ch05_shared_arrays;
pub mod ch06_errors;
pub mod ch07_fibonacci;
pub mod ch08_counting;
pub mod ch09_pi;
pub mod ch10_processes_and_mpi;
pub mod ch11_loom;

/// Runs every exercise's check on this crate's answers, in chapter order.
pub fn reports() -> Vec<workbook::check::Report> {
    vec![
        workbook::check::ch01::run_in_threads(crate::ch01_threads::run_in_threads),
        workbook::check::ch01::map_in_threads(crate::ch01_threads::map_in_threads),
        workbook::check::ch02::map_on_pool(crate::ch02_thread_pools::map_on_pool),
        workbook::check::ch02::map_in_batches(crate::ch02_thread_pools::map_in_batches),
        workbook::check::ch02::apply_pairs(crate::ch02_thread_pools::apply_pairs),
        workbook::check::ch03::total(crate::ch03_futures::total),
        workbook::check::ch03::run_batches(crate::ch03_futures::run_batches),
        workbook::check::ch03::in_completion_order(crate::ch03_futures::in_completion_order),
        workbook::check::ch04::count_shared(crate::ch04_locks::count_shared),
        workbook::check::ch04::transfer(crate::ch04_locks::transfer),
        workbook::check::ch05::fill_shared(crate::ch05_shared_arrays::fill_shared),
        workbook::check::ch05::fill_chunks(crate::ch05_shared_arrays::fill_chunks),
        workbook::check::ch06::report_every(crate::ch06_errors::report_every),
        workbook::check::ch06::all_or_first_error(crate::ch06_errors::all_or_first_error),
        workbook::check::ch07::fib_checked(crate::ch07_fibonacci::fib_checked),
        workbook::check::ch07::fib_par(crate::ch07_fibonacci::fib_par),
        workbook::check::ch08::merge_counts(crate::ch08_counting::merge_counts),
        workbook::check::ch08::count_files(crate::ch08_counting::count_files),
        workbook::check::ch08::count_words(crate::ch08_counting::count_words),
        workbook::check::ch09::split_throws(crate::ch09_pi::split_throws),
        workbook::check::ch09::pi_chunked(crate::ch09_pi::pi_chunked),
        workbook::check::ch10::on_every_rank(crate::ch10_processes_and_mpi::on_every_rank),
        workbook::check::ch11::record_max(crate::ch11_loom::record_max),
        workbook::check::ch11::with_lock(crate::ch11_loom::with_lock),
    ]
}
