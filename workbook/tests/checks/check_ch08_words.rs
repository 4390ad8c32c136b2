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
        || ch08::count_words(whitespace_only),
        &["still carries a separator", "“(world)?”"],
    );
}

#[test]
fn a_count_that_keeps_capitals_is_rejected() {
    assert_wrong(
        || ch08::count_words(no_folding),
        &["“RUST” kept a capital letter"],
    );
}

#[test]
fn folding_only_ascii_letters_is_rejected() {
    assert_wrong(
        || ch08::count_words(ascii_folding),
        &["accented capitals", "to_ascii_lowercase"],
    );
}

#[test]
fn counting_empty_words_is_rejected() {
    assert_wrong(
        || ch08::count_words(empty_words),
        &["The empty string was counted"],
    );
}

#[test]
fn ascii_only_letters_are_rejected() {
    assert_wrong(
        || ch08::count_words(ascii_letters),
        &["“été” is missing", "is_alphanumeric"],
    );
}

#[test]
fn a_set_instead_of_counts_is_rejected() {
    assert_wrong(
        || ch08::count_words(seen_once),
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

/// Splits at ASCII punctuation and white space only: “hello” keeps its
/// curly quotes, and world… its ellipsis.
fn ascii_punctuation_only(text: &str) -> HashMap<String, u64> {
    count(
        text.split(|c: char| c.is_ascii_punctuation() || c.is_whitespace())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase),
    )
}

#[test]
fn splitting_at_ascii_punctuation_only_is_caught() {
    assert_wrong(
        || ch08::count_words(ascii_punctuation_only),
        &["punctuation beyond ASCII", "still carries a separator"],
    );
}

/// Games the check: answers the texts it knows by heart, nothing else.
fn knows_the_texts(text: &str) -> HashMap<String, u64> {
    let words: &[(&str, u64)] = match text {
        "Rust rust RUST" => &[("rust", 3)],
        "Hello, world! Hello... (world)?" => &[("hello", 2), ("world", 2)],
        "  one -- two,, three  " => &[("one", 1), ("two", 1), ("three", 1)],
        "Été, été; ÉTÉ" => &[("été", 3)],
        "x_1 2024 x" => &[("x", 2), ("1", 1), ("2024", 1)],
        "don't" => &[("don", 1), ("t", 1)],
        "“Hello” — world… a·b «hello»" => {
            &[("hello", 2), ("world", 1), ("a", 1), ("b", 1)]
        }
        _ => &[],
    };
    words.iter().map(|&(w, n)| (w.to_string(), n)).collect()
}

/// Takes "real words" to mean two letters or more.
fn drops_one_letter_words(text: &str) -> HashMap<String, u64> {
    count(
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() > 1)
            .map(str::to_lowercase),
    )
}

/// Letters only: numbers are not words.
fn letters_only(text: &str) -> HashMap<String, u64> {
    count(
        text.split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase),
    )
}

/// Folds the wrong way round.
fn upper_case(text: &str) -> HashMap<String, u64> {
    count(
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_uppercase),
    )
}

/// Trims punctuation off the ends of each space-separated piece: "don't"
/// stays one word.
fn trims_the_ends(text: &str) -> HashMap<String, u64> {
    count(
        text.split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase),
    )
}

/// A right answer written another way: one character at a time.
fn char_by_char(text: &str) -> HashMap<String, u64> {
    let mut counts = HashMap::new();
    let mut word = String::new();
    for c in text.chars().chain([' ']) {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            *counts.entry(std::mem::take(&mut word)).or_insert(0) += 1;
        }
    }
    counts
}

#[test]
fn an_answer_that_knows_the_texts_by_heart_is_caught() {
    assert_wrong(
        || ch08::count_words(knows_the_texts),
        &["a text drawn at random"],
    );
}

#[test]
fn dropping_one_letter_words_is_caught() {
    assert_wrong(
        || ch08::count_words(drops_one_letter_words),
        &[
            "digits and underscores",
            "Words missing or miscounted: 1: expected 1, got 0; x: expected 2, got 0.",
            "one character long included",
        ],
    );
}

#[test]
fn dropping_numbers_is_caught() {
    assert_wrong(
        || ch08::count_words(letters_only),
        &[
            "digits and underscores",
            "1: expected 1, got 0; 2024: expected 1, got 0",
            "any run of letters or digits",
        ],
    );
}

/// Splits at whitespace, then strips the punctuation from each piece: a
/// piece made only of punctuation ("--") becomes an empty word.
fn strips_each_piece(text: &str) -> HashMap<String, u64> {
    count(text.split_whitespace().map(|w| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    }))
}

#[test]
fn a_piece_stripped_to_nothing_is_an_empty_word() {
    assert_wrong(
        || ch08::count_words(strips_each_piece),
        &[
            "runs of separators",
            "The empty string was counted 1 time:",
            "a piece made only of separators",
        ],
    );
}

#[test]
fn folding_to_upper_case_is_caught() {
    assert_wrong(|| ch08::count_words(upper_case), &["kept a capital letter"]);
}

#[test]
fn trimming_only_the_ends_is_caught() {
    assert_wrong(
        || ch08::count_words(trims_the_ends),
        &["still carries a separator"],
    );
}

#[test]
fn counting_char_by_char_passes() {
    crate::common::assert_done(ch08::count_words(char_by_char));
}
