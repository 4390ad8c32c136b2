//! A notebook cell's saved outputs, as the notebook shows them: text as `<pre>`,
//! HTML as it is, every chart as an SVG file of its own.

use serde_json::Value;

use crate::ansi::strip_ansi;
use crate::ipynb::text;

/// A chart saved in a cell's outputs, to be written as a file of its own.
pub struct Chart {
    /// Path inside the book, e.g. `09-pi/chart-2.svg`.
    pub file: String,
    /// The chart's title (its first text), used as the image's alt text.
    pub caption: String,
    pub svg: String,
}

/// A cell's outputs as the notebook shows them: text as `<pre>` (consecutive
/// stream pieces joined), HTML as it is, charts as image files.
pub fn outputs(cell: &Value, stem: &str, charts: &mut Vec<Chart>) -> String {
    let mut html = String::new();
    let mut stream: Option<(String, String)> = None; // (name, text so far)
    let flush = |stream: &mut Option<(String, String)>, html: &mut String| {
        if let Some((name, text)) = stream.take() {
            *html += &pre(&format!("nb-output nb-{name}"), &text);
        }
    };
    for output in cell["outputs"].as_array().into_iter().flatten() {
        if output["output_type"] == "stream" {
            let name = output["name"].as_str().unwrap_or("stdout").to_string();
            let piece = text(&output["text"]);
            match &mut stream {
                Some((current, text)) if *current == name => text.push_str(&piece),
                _ => {
                    flush(&mut stream, &mut html);
                    stream = Some((name, piece));
                }
            }
            continue;
        }
        flush(&mut stream, &mut html);
        let data = &output["data"];
        if output["output_type"] == "error" {
            let trace: Vec<String> = output["traceback"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(strip_ansi)
                .collect();
            let message = if trace.is_empty() {
                format!("{}: {}", text(&output["ename"]), text(&output["evalue"]))
            } else {
                trace.join("\n")
            };
            html += &pre("nb-output nb-error", &message);
        } else if let Some(svg) = data.get("image/svg+xml") {
            let svg = text(svg);
            let caption = svg_caption(&svg).unwrap_or_else(|| "chart".into());
            let file = format!("{stem}/chart-{}.svg", charts.len() + 1);
            html += &format!(
                "<figure class=\"nb-chart\"><img src=\"{file}\" alt=\"{}\"></figure>\n\n",
                escape(&caption)
            );
            charts.push(Chart { file, caption, svg });
        } else if let Some(png) = data.get("image/png") {
            let base64: String = text(png).split_whitespace().collect();
            html += &format!(
                "<figure class=\"nb-chart\"><img src=\"data:image/png;base64,{base64}\" alt=\"chart\"></figure>\n\n"
            );
        } else if let Some(table) = data.get("text/html") {
            // Raw HTML in Markdown ends at a blank line, so the HTML has none.
            let table: Vec<String> = text(table)
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect();
            html += &format!(
                "<div class=\"nb-output nb-html\">\n{}\n</div>\n\n",
                table.join("\n")
            );
        } else if let Some(plain) = data.get("text/plain") {
            html += &pre("nb-output nb-result", &text(plain));
        }
    }
    flush(&mut stream, &mut html);
    html
}

fn pre(class: &str, text: &str) -> String {
    format!(
        "<pre class=\"{class}\">{}</pre>\n\n",
        escape(text.trim_end_matches('\n'))
    )
}

/// The first text of an SVG chart: its title, drawn by `workbook::chart`.
fn svg_caption(svg: &str) -> Option<String> {
    let start = svg.find("<text")?;
    let after = &svg[start..];
    let body = &after[after.find('>')? + 1..];
    let caption = body[..body.find("</text>")?].trim();
    (!caption.is_empty()).then(|| unescape(caption))
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_a_charts_caption_is_read() {
        assert_eq!(escape("a < \"b\" & c"), "a &lt; &quot;b&quot; &amp; c");
        assert_eq!(
            svg_caption("<svg><text x=\"1\">\n A &amp; B\n</text>").as_deref(),
            Some("A & B")
        );
    }
}
