//! Draws the helper crate's charts from a quick run, into target/charts/:
//! `cargo run -p workbook --example charts`.

use std::time::Duration;

use workbook::{Tracer, measure, sleep_task, spin_task};

fn main() -> std::io::Result<()> {
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/charts");
    let tracer = Tracer::new();
    std::thread::scope(|s| {
        for i in 0..4 {
            let tracer = &tracer;
            s.spawn(move || tracer.run(i, || spin_task(Duration::from_millis(50))));
        }
    });
    tracer.run("after", || sleep_task(Duration::from_millis(20)));
    tracer
        .timeline("Four spinning tasks, then one sleeping")
        .save(out.join("timeline.svg"))?;

    let (_, sleeping) = measure(|| sleep_task(Duration::from_millis(100)));
    let (_, spinning) = measure(|| spin_task(Duration::from_millis(100)));
    workbook::chart::wall_vs_cpu("Sleep vs spin", &[("sleep", sleeping), ("spin", spinning)])
        .save(out.join("wall-vs-cpu.svg"))?;
    println!("charts written to {}", out.display());
    Ok(())
}
