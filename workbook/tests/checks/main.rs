//! The workbook's integration tests, in one test binary (one link instead of
//! one per file): the checks fed wrong and right answers, chapter by chapter,
//! the grading harness, grading in a process of its own, and the workers.
//! (`slurm_jobs.rs`, beside this folder, stays a binary of its own: the
//! cluster step runs it by name, with the daemons up.)

mod common;

mod check_ch01;
mod check_ch02;
mod check_ch03;
mod check_ch04;
mod check_ch05;
mod check_ch06;
mod check_ch07;
mod check_ch08;
mod check_ch08_words;
mod check_ch09;
mod check_ch10;
mod check_ch11;
mod harness;
mod isolated;
mod many_cores;
mod workers;
