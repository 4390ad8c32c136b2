//! Wrong answers to chapter 08's `count_words`: each must be rejected, and the
//! message must say what to change.

use std::collections::HashMap;

use crate::common::assert_wrong;
use workbook::check::ch08;

fn count(words: impl Iterator<Item = String>) -> HashMap<String, u64> {
    let mut counts = HashMap::new();
    for w in words {
        *counts.entry(w).or_insert(0) += 1;
    }
    counts
}

/// Splits at spaces only: "Hello," keeps its comma.
fn whitespace_only(text: &str) -> HashMap<String, u64> {
    count(text.split_whitespace().map(str::to_lowercase))
}

/// Never folds case: "Rust" and "rust" are two words.
fn no_folding(text: &str) -> HashMap<String, u64> {
    count(
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string),
    )
}

/// Folds ASCII letters only: "Été" stays capitalised.
fn ascii_folding(text: &str) -> HashMap<String, u64> {
    count(
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase),
    )
}

/// Keeps the empty pieces between neighbouring separators.
fn empty_words(text: &str) -> HashMap<String, u64> {
    count(
        text.split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase),
    )
}

/// Knows only ASCII letters: "été" falls apart into "t".
fn ascii_letters(text: &str) -> HashMap<String, u64> {
    count(
        text.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase),
    )
}

/// Records which words appear, not how often.
fn seen_once(text: &str) -> HashMap<String, u64> {
    let mut counts = whitespace_free(text);
    counts.values_mut().for_each(|n| *n = 1);
    counts
}

fn whitespace_free(text: &str) -> HashMap<String, u64> {
    count(
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase),
    )
}

#[test]
fn splitting_at_spaces_only_is_rejected() {
    assert_wrong(
        ch08::count_words(whitespace_only),
        &["still carries a separator", "“(world)?”"],
    );
}

#[test]
fn a_count_that_keeps_capitals_is_rejected() {
    assert_wrong(
        ch08::count_words(no_folding),
        &["“RUST” kept a capital letter"],
    );
}

#[test]
fn folding_only_ascii_letters_is_rejected() {
    assert_wrong(
        ch08::count_words(ascii_folding),
        &["accented capitals", "to_ascii_lowercase"],
    );
}

#[test]
fn counting_empty_words_is_rejected() {
    assert_wrong(
        ch08::count_words(empty_words),
        &["The empty string was counted"],
    );
}

#[test]
fn ascii_only_letters_are_rejected() {
    assert_wrong(
        ch08::count_words(ascii_letters),
        &["“été” is missing", "is_alphanumeric"],
    );
}

#[test]
fn a_set_instead_of_counts_is_rejected() {
    assert_wrong(
        ch08::count_words(seen_once),
        &["one word, three ways", "count every occurrence"],
    );
}

#[test]
fn the_reference_answer_passes_and_a_stub_is_not_started() {
    let reference = |text: &str| {
        count(
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase),
        )
    };
    assert!(ch08::count_words(reference).is_done());
    assert!(ch08::count_words(|_| todo!()).is_not_started());
}
