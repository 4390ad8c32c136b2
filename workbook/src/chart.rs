//! SVG charts drawn with plotters: shown inline in a notebook (evcxr calls
//! [`Chart::evcxr_display`]) and written to a file on request.

use std::io;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::trace::{Span, Tracer};
use crate::{Timing, scaling};

mod line_chart;
pub use line_chart::{Axes, Series, lines};

mod bars;
pub use bars::bars;

const WIDTH: u32 = 720;
const BLUE: RGBColor = RGBColor(52, 101, 164);
const ORANGE: RGBColor = RGBColor(230, 134, 30);
const TASK_COLOURS: [RGBColor; 6] = [
    RGBColor(52, 101, 164),
    RGBColor(230, 134, 30),
    RGBColor(78, 154, 6),
    RGBColor(117, 80, 123),
    RGBColor(193, 60, 60),
    RGBColor(60, 160, 170),
];

/// A finished chart: SVG text.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    svg: String,
}

impl Chart {
    /// The chart as SVG markup.
    pub fn svg(&self) -> &str {
        &self.svg
    }

    /// Writes the chart to `path` as an SVG file, creating missing folders.
    pub fn save(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, &self.svg)
    }

    /// Shows the chart inline: the evcxr kernel calls this on a cell's value.
    /// The `data-workbook-chart` attribute marks a drawn chart for the
    /// notebook runner (`xtask/nbrun.py`).
    pub fn evcxr_display(&self) {
        println!(
            "EVCXR_BEGIN_CONTENT image/svg+xml\n{}\nEVCXR_END_CONTENT",
            self.svg
                .replacen("<svg", "<svg data-workbook-chart=\"1\"", 1)
        );
    }
}

fn draw(height: u32, paint: impl FnOnce(&DrawingArea<SVGBackend, Shift>)) -> Chart {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        area.fill(&WHITE).expect("drawing into memory");
        paint(&area);
        area.present().expect("drawing into memory");
    }
    Chart { svg }
}

/// Wall time beside CPU time, one pair of bars per labelled run.
///
/// ```
/// use std::time::Duration;
/// let (_, sleeping) = workbook::measure(|| workbook::sleep_task(Duration::from_millis(20)));
/// let (_, spinning) = workbook::measure(|| workbook::spin_task(Duration::from_millis(20)));
/// let chart = workbook::chart::wall_vs_cpu("Sleep vs spin", &[("sleep", sleeping), ("spin", spinning)]);
/// assert!(chart.svg().contains("wall time"));
/// ```
pub fn wall_vs_cpu(title: &str, runs: &[(&str, Timing)]) -> Chart {
    let top = runs
        .iter()
        .map(|(_, t)| t.wall.max(t.cpu()).as_secs_f64())
        .fold(0.0, f64::max)
        .max(1e-3)
        * 1.4; // headroom for the legend
    let labels: Vec<String> = runs.iter().map(|(l, _)| l.to_string()).collect();
    draw(360, |area| {
        let mut chart = ChartBuilder::on(area)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(-0.5f64..(runs.len() as f64 - 0.5).max(0.5), 0f64..top)
            .expect("chart axes");
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(runs.len().max(1))
            .x_label_formatter(&|x| category_label(&labels, *x))
            .y_desc("seconds")
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .expect("chart mesh");
        let bar = |i: usize, offset: f64, secs: f64, colour: RGBColor| {
            let x = i as f64 + offset;
            Rectangle::new([(x - 0.17, 0.0), (x + 0.17, secs)], colour.filled())
        };
        chart
            .draw_series(
                runs.iter()
                    .enumerate()
                    .map(|(i, (_, t))| bar(i, -0.18, t.wall.as_secs_f64(), BLUE)),
            )
            .expect("bars")
            .label("wall time")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], BLUE.filled()));
        chart
            .draw_series(
                runs.iter()
                    .enumerate()
                    .map(|(i, (_, t))| bar(i, 0.18, t.cpu().as_secs_f64(), ORANGE)),
            )
            .expect("bars")
            .label("CPU time (user + sys)")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], ORANGE.filled()));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .label_font(("sans-serif", 13))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .expect("legend");
    })
}

/// One row per thread, one bar per task, time running left to right: tasks
/// that ran one after another form a staircase, tasks that ran at once stack.
///
/// ```
/// let tracer = workbook::Tracer::new();
/// tracer.run("a", || workbook::sleep_task(std::time::Duration::from_millis(5)));
/// let chart = workbook::chart::timeline("One task", &tracer.spans());
/// assert!(chart.svg().contains("thread 1"));
/// ```
pub fn timeline(title: &str, spans: &[Span]) -> Chart {
    let rows = spans.iter().map(|s| s.thread).max().unwrap_or(1);
    let end = spans
        .iter()
        .map(|s| s.end.as_secs_f64())
        .fold(0.0, f64::max)
        .max(1e-3)
        * 1.05;
    let height = (150 + 30 * rows as u32).min(900);
    let show_names = spans.len() <= 32;
    draw(height, |area| {
        let mut chart = ChartBuilder::on(area)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(72)
            .build_cartesian_2d(0f64..end, (rows as f64 + 0.5)..0.5f64)
            .expect("chart axes");
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(rows.min(40))
            .y_label_formatter(&|y| {
                let row = y.round();
                if (y - row).abs() < 1e-6 && row >= 1.0 {
                    format!("thread {row}")
                } else {
                    String::new()
                }
            })
            .x_desc("seconds since start")
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .expect("chart mesh");
        chart
            .draw_series(spans.iter().enumerate().map(|(i, s)| {
                let row = s.thread as f64;
                let colour = TASK_COLOURS[i % TASK_COLOURS.len()];
                Rectangle::new(
                    [
                        (s.start.as_secs_f64(), row - 0.35),
                        (s.end.as_secs_f64(), row + 0.35),
                    ],
                    colour.mix(0.8).filled(),
                )
            }))
            .expect("bars");
        if show_names {
            chart
                .draw_series(spans.iter().map(|s| {
                    Text::new(
                        s.task.clone(),
                        (s.start.as_secs_f64(), s.thread as f64 - 0.1),
                        ("sans-serif", 11).into_font().color(&WHITE),
                    )
                }))
                .expect("labels");
        }
    })
}

impl Tracer {
    /// A timeline chart of the recorded spans: one row per thread, one bar per task.
    pub fn timeline(&self, title: &str) -> Chart {
        timeline(title, &self.spans())
    }
}

/// The label of the category at whole-number position `x`, blank elsewhere.
fn category_label(labels: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    labels.get(i as usize).cloned().unwrap_or_default()
}

/// Speedup against threads: the measured `time(1) / time(n)`, the ideal line
/// (n times faster on n threads), the Amdahl curve fitted to the runs up to
/// the cores side by side (see [`scaling::fitted_serial_fraction`]), and a marker there: pass
/// [`crate::Cpus::side_by_side`], the physical cores less any quota or affinity.
/// `runs` are (threads, seconds); the run with the fewest threads is the baseline.
///
/// ```
/// let chart = workbook::chart::speedup("Pool size sweep", &[(1, 8.0), (2, 4.2), (4, 2.3)], 2);
/// assert!(chart.svg().contains("ideal"));
/// assert!(chart.svg().contains("Amdahl"));
/// ```
pub fn speedup(title: &str, runs: &[(usize, f64)], side_by_side: usize) -> Chart {
    let measured: Vec<(f64, f64)> = scaling::speedups(runs)
        .into_iter()
        .map(|(t, s)| (t as f64, s))
        .collect();
    let ideal: Vec<(f64, f64)> = runs.iter().map(|&(t, _)| (t as f64, t as f64)).collect();
    let mut series = vec![Series::reference("ideal: n threads, n times faster", ideal)];
    if let Some(serial) = scaling::fitted_serial_fraction(runs, side_by_side) {
        let mut threads: Vec<usize> = runs.iter().map(|r| r.0).collect();
        threads.sort_unstable();
        let curve = threads
            .iter()
            .map(|&n| (n as f64, scaling::amdahl(serial, n as f64)))
            .collect();
        series.push(Series::reference(
            &format!("Amdahl fit: {:.0} % serial", serial * 100.0),
            curve,
        ));
    }
    series.push(Series::measured("measured", measured));
    lines(
        title,
        Axes {
            x: "threads",
            y: "speedup (times faster than the fewest threads)",
            marker: Some((side_by_side as f64, "cores side by side")),
            ..Axes::default()
        },
        &series,
    )
}

/// Efficiency against threads: speedup divided by threads (1.0 is perfect).
pub fn efficiency(title: &str, runs: &[(usize, f64)], side_by_side: usize) -> Chart {
    let measured = scaling::speedups(runs)
        .into_iter()
        .map(|(t, s)| (t as f64, s / t as f64))
        .collect();
    let ideal = runs.iter().map(|&(t, _)| (t as f64, 1.0)).collect();
    lines(
        title,
        Axes {
            x: "threads",
            y: "efficiency (speedup / threads)",
            marker: Some((side_by_side as f64, "cores side by side")),
            ..Axes::default()
        },
        &[
            Series::reference("ideal", ideal),
            Series::measured("measured", measured),
        ],
    )
}
