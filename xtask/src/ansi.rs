//! Terminal escapes out of a child's output, for the kernel build's progress
//! and the book's error reports alike.

/// `line` without its terminal escapes (`ESC [ ... letter`: colours, cargo's progress).
pub fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_taken_out() {
        assert_eq!(
            strip_ansi("\u{1b}[31m[E0373] Error:\u{1b}[0m x"),
            "[E0373] Error: x"
        );
    }
}
