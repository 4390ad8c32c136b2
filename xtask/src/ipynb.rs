//! Reading Jupyter's notebook format: the pieces every reader of a saved
//! `.ipynb` needs (the book's pages, `progress`).

use serde_json::Value;

/// Text as Jupyter stores it: a string, or a list of lines to join.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

/// A cell's source.
pub fn source(cell: &Value) -> String {
    text(&cell["source"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_forms_of_text_read_alike() {
        assert_eq!(text(&json!("a\nb")), "a\nb");
        assert_eq!(text(&json!(["a\n", "b"])), "a\nb");
        assert_eq!(text(&json!(null)), "");
        assert_eq!(
            source(&json!({"source": ["let x = 1;\n", "x"]})),
            "let x = 1;\nx"
        );
    }
}
