//! Every internal link of the built site resolves: each `href` and `src` of its
//! HTML pages and each `url(...)` of its style sheets names a file that is there,
//! and a `#fragment` into a page names an `id` on that page.

use std::collections::HashMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

pub struct Report {
    pub pages: usize,
    pub links: usize,
    /// `page: link`, for each that does not resolve.
    pub broken: Vec<String>,
}

pub fn check(site: &Path) -> Result<Report> {
    let mut files = Vec::new();
    walk(site, &mut files)?;
    files.sort();
    let mut report = Report {
        pages: 0,
        links: 0,
        broken: Vec::new(),
    };
    let mut pages_text: HashMap<PathBuf, String> = HashMap::new();
    for file in &files {
        let is_html = file.extension().is_some_and(|e| e == "html");
        let is_css = file.extension().is_some_and(|e| e == "css");
        if !(is_html || is_css) {
            continue;
        }
        let text = fs::read_to_string(file).with_context(|| format!("{}", file.display()))?;
        let mut base = file.parent().unwrap_or(site).to_path_buf();
        let links = if is_html {
            report.pages += 1;
            // mdBook's 404 page resolves its links against `<base href="/">`.
            if let Some(b) = attribute_values(&text, "<base href=").first() {
                base = resolve(site, site, b);
            }
            let mut links = attribute_values(&text, "href=");
            links.extend(attribute_values(&text, "src="));
            links
        } else {
            css_urls(&text)
        };
        for link in links {
            let Some((path, fragment)) = internal(&link) else {
                continue;
            };
            report.links += 1;
            let target = resolve(site, &base, &path);
            let target = if target.is_dir() {
                target.join("index.html")
            } else {
                target
            };
            let shown = file.strip_prefix(site).unwrap_or(file).display();
            if !target.is_file() {
                report
                    .broken
                    .push(format!("{shown}: {link} (no such file)"));
                continue;
            }
            let Some(fragment) =
                fragment.filter(|_| target.extension().is_some_and(|e| e == "html"))
            else {
                continue;
            };
            let page = match pages_text.get(&target) {
                Some(text) => text,
                None => {
                    let text = fs::read_to_string(&target).unwrap_or_default();
                    pages_text.entry(target.clone()).or_insert(text)
                }
            };
            if !page.contains(&format!("id=\"{fragment}\"")) {
                report
                    .broken
                    .push(format!("{shown}: {link} (no id \"{fragment}\" there)"));
            }
        }
    }
    Ok(report)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// The double-quoted values after each `name` (e.g. `href=`) in `html`.
fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(name) {
        rest = &rest[at + name.len()..];
        // Only a real attribute: `href=` preceded by a space, not `data-href=`.
        let before = html.len() - rest.len() - name.len();
        let preceded = html[..before].chars().next_back();
        if !name.starts_with('<') && !preceded.is_some_and(char::is_whitespace) {
            continue;
        }
        if let Some(quoted) = rest.strip_prefix('"')
            && let Some(end) = quoted.find('"')
        {
            values.push(unescape(&quoted[..end]));
        }
    }
    values
}

fn css_urls(css: &str) -> Vec<String> {
    css.split("url(")
        .skip(1)
        .filter_map(|s| s.split_once(')'))
        .map(|(url, _)| url.trim().trim_matches(['"', '\'']).to_string())
        .collect()
}

/// The file path and fragment of a link into the site; `None` for links
/// elsewhere (`https:`, `mailto:`, `data:`) and for a bare `#fragment` on the same page.
fn internal(link: &str) -> Option<(String, Option<String>)> {
    let link = link.trim();
    let scheme = link.find(':').is_some_and(|c| !link[..c].contains('/'));
    if link.is_empty() || scheme || link.starts_with("//") || link.starts_with('#') {
        return None;
    }
    let (link, fragment) = match link.split_once('#') {
        Some((l, f)) => (l, Some(f.to_string()).filter(|f| !f.is_empty())),
        None => (link, None),
    };
    let path = link.split('?').next().unwrap_or(link);
    Some((percent_decode(path), fragment))
}

/// `link` resolved against the folder `base`; an absolute link starts at the site's root.
fn resolve(site: &Path, base: &Path, link: &str) -> PathBuf {
    let (mut out, link) = match link.strip_prefix('/') {
        Some(rest) => (site.to_path_buf(), rest),
        None => (base.to_path_buf(), link),
    };
    for part in Path::new(link).components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(p) => out.push(p),
            _ => {}
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn unescape(text: &str) -> String {
    text.replace("&amp;", "&").replace("&quot;", "\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_missing_file_and_a_missing_anchor_but_not_external_links() {
        let site = std::env::temp_dir().join(format!("book-links-{}", std::process::id()));
        let _ = fs::remove_dir_all(&site);
        fs::create_dir_all(site.join("ch")).unwrap();
        fs::write(site.join("ch/chart.svg"), "<svg/>").unwrap();
        fs::write(site.join("a.html"), "<h1 id=\"top\">A</h1>").unwrap();
        fs::write(
            site.join("index.html"),
            "<a href=\"a.html#top\">ok</a> <img src=\"ch/chart.svg\"> <a href=\"https://x.org/\">\
             </a> <a href=\"#here\"></a> <a href=\"gone.html\"></a> <a href=\"a.html#nowhere\"></a>\
             <img src=\"ch/missing%20chart.svg\"> <div data-href=\"ignored.html\"></div>",
        )
        .unwrap();
        let report = check(&site).unwrap();
        fs::remove_dir_all(&site).unwrap();
        assert_eq!(report.pages, 2);
        assert_eq!(report.links, 5, "{:?}", report.broken);
        assert_eq!(
            report.broken,
            [
                "index.html: gone.html (no such file)",
                "index.html: a.html#nowhere (no id \"nowhere\" there)",
                "index.html: ch/missing%20chart.svg (no such file)",
            ]
        );
    }
}
