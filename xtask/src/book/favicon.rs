//! `favicon.ico` for the site. Browsers ask for `/favicon.ico` on any page
//! that names no icon, and mdBook's `toc.html` (the sidebar for readers
//! without JavaScript) names none: without this file every visit to it logs
//! a 404. The icon is mdBook's own (`favicon-HASH.png`), wrapped in the ICO
//! container, which has held PNG images since Windows Vista.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// Writes `site/favicon.ico` from the PNG favicon mdBook put in `site`.
pub fn write(site: &Path) -> Result<()> {
    let png = fs::read_dir(site)
        .with_context(|| format!("{}", site.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("favicon") && name.ends_with(".png")
        })
        .context("mdBook wrote no favicon PNG into the site")?;
    let image = fs::read(&png).with_context(|| format!("{}", png.display()))?;
    fs::write(site.join("favicon.ico"), ico(&image)?).context("writing favicon.ico")
}

/// An ICO file holding one PNG image.
fn ico(png: &[u8]) -> Result<Vec<u8>> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if png.len() < 24 || !png.starts_with(SIGNATURE) {
        bail!("the favicon is not a PNG image");
    }
    // The IHDR chunk comes first: width and height, big-endian, at bytes 16 and 20.
    let side = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes"));
    let (width, height) = (side(16), side(20));
    if width > 256 || height > 256 {
        bail!("the favicon is {width}x{height}; an ICO image is at most 256x256");
    }
    // 256 is written as 0 in the one-byte fields.
    let byte = |n: u32| (n % 256) as u8;
    let mut out = Vec::with_capacity(22 + png.len());
    out.extend_from_slice(&[0, 0, 1, 0, 1, 0]); // reserved, type 1 (icon), one image
    out.extend_from_slice(&[byte(width), byte(height), 0, 0]); // size, no palette, reserved
    out.extend_from_slice(&1u16.to_le_bytes()); // colour planes
    out.extend_from_slice(&32u16.to_le_bytes()); // bits per pixel
    out.extend_from_slice(&(png.len() as u32).to_le_bytes());
    out.extend_from_slice(&22u32.to_le_bytes()); // the image starts after these 22 bytes
    out.extend_from_slice(png);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&width.to_be_bytes());
        png.extend_from_slice(&height.to_be_bytes());
        png.extend_from_slice(b"rest of the image");
        png
    }

    #[test]
    fn the_icon_wraps_the_png_with_its_size() {
        let image = png(256, 48);
        let icon = ico(&image).unwrap();
        assert_eq!(&icon[..6], &[0, 0, 1, 0, 1, 0]);
        assert_eq!(&icon[6..8], &[0, 48], "256 is written as 0");
        let size = u32::from_le_bytes(icon[14..18].try_into().unwrap());
        let offset = u32::from_le_bytes(icon[18..22].try_into().unwrap());
        assert_eq!((size as usize, offset), (image.len(), 22));
        assert_eq!(&icon[22..], &image[..]);
    }

    #[test]
    fn what_is_not_a_small_png_is_refused() {
        assert!(ico(b"GIF89a and more bytes than twenty-four").is_err());
        let err = ico(&png(512, 512)).unwrap_err().to_string();
        assert!(err.contains("512x512"), "{err}");
    }
}
