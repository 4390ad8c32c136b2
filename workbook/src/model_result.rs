//! What a loom model run shown in a notebook tells programs (chapter 11):
//! outside `workbook::model`, which only the `loom` feature compiles, because
//! `cargo xtask` reads it without that feature.

use serde::{Deserialize, Serialize};

/// The MIME type of a loom model run's machine-readable result in a
/// notebook (chapter 11's demos): `workbook::model::show` puts a
/// [`ModelResult`] beside the text, and the notebook runner reads it.
pub const MODEL_MIME: &str = "application/vnd.workbook.model+json";

/// What a notebook's runner learns of a model run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelResult {
    /// True when an interleaving broke one of the cell's models.
    pub failed: bool,
    /// The model runs the cell showed.
    pub runs: usize,
}
