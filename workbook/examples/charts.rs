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
    // The Python original's pool-size sweep, 4 physical cores (its first, 8.0 s run left out).
    let sweep = [(1, 5.3), (2, 2.7), (4, 1.48), (8, 1.58), (16, 1.60)];
    workbook::chart::speedup("Pool size sweep (the Python original's figures)", &sweep, 4)
        .save(out.join("speedup.svg"))?;
    use workbook::chart::{Axes, Series, lines};
    lines(
        "Serial vs parallel (the Python original's pi figures)",
        Axes {
            x: "throws",
            y: "seconds",
            log_x: true,
            log_y: true,
            marker: None,
        },
        &[
            Series::measured("serial", vec![(1e4, 0.0056), (1e5, 0.059), (1e6, 0.56)]),
            Series::measured(
                "4 processes",
                vec![(1e4, 0.0068), (1e5, 0.025), (1e6, 0.20)],
            ),
        ],
    )
    .save(out.join("lines.svg"))?;
    println!("charts written to {}", out.display());
    Ok(())
}
