//! Line charts: measured series as solid lines with points, references dashed.

use plotters::prelude::*;

use super::{Chart, TASK_COLOURS, draw};

/// One line on a [`lines`] chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The legend's name for it.
    pub label: String,
    /// (x, y) points, drawn in order.
    pub points: Vec<(f64, f64)>,
    /// Dashed grey, for references such as the ideal line.
    pub reference: bool,
}

impl Series {
    /// A measured line.
    pub fn measured(label: &str, points: Vec<(f64, f64)>) -> Series {
        Series {
            label: label.to_string(),
            points,
            reference: false,
        }
    }

    /// A reference line (ideal scaling, a fitted model), drawn dashed.
    pub fn reference(label: &str, points: Vec<(f64, f64)>) -> Series {
        Series {
            label: label.to_string(),
            points,
            reference: true,
        }
    }
}

/// Axis names and scales for [`lines`].
#[derive(Clone, Debug, Default)]
pub struct Axes<'a> {
    /// The horizontal axis's name.
    pub x: &'a str,
    /// The vertical axis's name.
    pub y: &'a str,
    /// Logarithmic horizontal axis (for sizes spanning powers of ten).
    pub log_x: bool,
    /// Logarithmic vertical axis.
    pub log_y: bool,
    /// A vertical marker line at this x, with its label (e.g. the physical cores).
    pub marker: Option<(f64, &'a str)>,
}

/// A line chart: measured series as solid lines with points, reference
/// series dashed. Log axes plot powers of ten evenly.
///
/// ```
/// use workbook::chart::{lines, Axes, Series};
/// let chart = lines(
///     "Time against size",
///     Axes { x: "throws", y: "seconds", log_x: true, log_y: true, marker: None },
///     &[Series::measured("serial", vec![(1e4, 0.001), (1e5, 0.01), (1e6, 0.1)])],
/// );
/// assert!(chart.svg().contains("serial"));
/// ```
pub fn lines(title: &str, axes: Axes, series: &[Series]) -> Chart {
    let scale = |v: f64, log: bool| {
        if log {
            v.max(f64::MIN_POSITIVE).log10()
        } else {
            v
        }
    };
    let points: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|s| {
            s.points
                .iter()
                .map(|&(x, y)| (scale(x, axes.log_x), scale(y, axes.log_y)))
                .collect()
        })
        .collect();
    let all = points.iter().flatten();
    let (mut x0, mut x1, mut y0, mut y1) = all.fold(
        (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), &(x, y)| (a.min(x), b.max(x), c.min(y), d.max(y)),
    );
    if !x0.is_finite() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    if let Some((m, _)) = axes.marker {
        let m = scale(m, axes.log_x);
        x0 = x0.min(m);
        x1 = x1.max(m);
    }
    let pad = |lo: f64, hi: f64, log: bool| {
        let span = (hi - lo).max(if log { 0.5 } else { 1e-9 });
        if log {
            (lo - 0.1 * span, hi + 0.1 * span)
        } else {
            (
                (lo - 0.05 * span).min(if lo >= 0.0 { 0.0 } else { lo }),
                hi + 0.12 * span,
            )
        }
    };
    let (x0, x1) = pad(x0, x1, axes.log_x);
    let (y0, y1) = pad(y0, y1, axes.log_y);
    let label = |v: f64, log: bool| {
        if log {
            let shown = 10f64.powf(v);
            if (v - v.round()).abs() < 1e-6 {
                format!("1e{}", v.round())
            } else {
                format!("{shown:.1e}")
            }
        } else if v.abs() >= 100.0 || v == v.round() {
            format!("{v:.0}")
        } else {
            format!("{v:.2}")
        }
    };
    draw(400, |area| {
        let mut chart = ChartBuilder::on(area)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, y0..y1)
            .expect("chart axes");
        chart
            .configure_mesh()
            .x_desc(axes.x)
            .y_desc(axes.y)
            .x_label_formatter(&|v| label(*v, axes.log_x))
            .y_label_formatter(&|v| label(*v, axes.log_y))
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .expect("chart mesh");
        if let Some((m, text)) = axes.marker {
            let m = scale(m, axes.log_x);
            let grey = RGBColor(120, 120, 120);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(m, y0), (m, y1)],
                    grey.stroke_width(1),
                )))
                .expect("marker")
                .label(text)
                .legend(move |(x, y)| PathElement::new(vec![(x, y - 6), (x, y + 6)], grey));
        }
        let mut colour = 0;
        let mut references = 0;
        for (s, pts) in series.iter().zip(&points) {
            if s.reference {
                // The first reference line is grey, the next ones muted colours.
                let grey = [
                    RGBColor(110, 110, 110),
                    RGBColor(180, 90, 90),
                    RGBColor(90, 140, 90),
                ][references % 3];
                references += 1;
                chart
                    .draw_series(DashedLineSeries::new(
                        pts.iter().copied(),
                        6,
                        4,
                        grey.stroke_width(2),
                    ))
                    .expect("line")
                    .label(s.label.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 16, y)], grey.stroke_width(2))
                    });
            } else {
                let c = TASK_COLOURS[colour % TASK_COLOURS.len()];
                colour += 1;
                chart
                    .draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(2)))
                    .expect("line")
                    .label(s.label.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2))
                    });
                chart
                    .draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled())))
                    .expect("points");
            }
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .position(emptiest_corner(&points, (x0, x1), (y0, y1)))
            .draw()
            .expect("legend");
    })
}

/// The corner of the plot with the fewest points near it: where the legend hides the least.
fn emptiest_corner(
    points: &[Vec<(f64, f64)>],
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> SeriesLabelPosition {
    let near = |left: bool, top: bool| {
        points
            .iter()
            .flatten()
            .filter(|&&(x, y)| {
                let fx = (x - x0) / (x1 - x0);
                let fy = (y - y0) / (y1 - y0);
                (if left { fx < 0.45 } else { fx > 0.55 })
                    && (if top { fy > 0.6 } else { fy < 0.4 })
            })
            .count()
    };
    let corners = [
        (near(true, true), SeriesLabelPosition::UpperLeft),
        (near(false, true), SeriesLabelPosition::UpperRight),
        (near(false, false), SeriesLabelPosition::LowerRight),
        (near(true, false), SeriesLabelPosition::LowerLeft),
    ];
    corners
        .into_iter()
        .min_by_key(|c| c.0)
        .map_or(SeriesLabelPosition::UpperLeft, |c| c.1)
}
