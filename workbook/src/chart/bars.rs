//! One bar per labelled value: counts, sizes, anything that is not a time.

use plotters::prelude::*;

use super::{BLUE, Chart, category_label, draw};

/// One bar per `(label, value)`, in the order given, `y` naming the values.
///
/// ```
/// let chart = workbook::chart::bars("Top words", "times seen", &[("the", 120.0), ("a", 80.0)]);
/// assert!(chart.svg().contains("times seen"));
/// ```
pub fn bars(title: &str, y: &str, items: &[(&str, f64)]) -> Chart {
    let top = items.iter().map(|&(_, v)| v).fold(0.0, f64::max).max(1.0) * 1.1;
    let labels: Vec<String> = items.iter().map(|(l, _)| l.to_string()).collect();
    draw(380, |area| {
        let mut chart = ChartBuilder::on(area)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.5f64..(items.len() as f64 - 0.5).max(0.5), 0f64..top)
            .expect("chart axes");
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(items.len().max(1))
            .x_label_formatter(&|x| category_label(&labels, *x))
            .y_desc(y)
            .label_style(("sans-serif", 12))
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .expect("chart mesh");
        chart
            .draw_series(items.iter().enumerate().map(|(i, &(_, v))| {
                let x = i as f64;
                Rectangle::new([(x - 0.35, 0.0), (x + 0.35, v)], BLUE.filled())
            }))
            .expect("bars");
    })
}
