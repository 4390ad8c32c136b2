//! Chapter 08's Exercise 3: counting the words of a text.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::super::dice::Dice;
use super::super::wording::plural;
use super::{COUNT_WORDS, Report, Wrong};

/// A named text and the counts it must give.
type WordCase = (&'static str, &'static str, &'static [(&'static str, u64)]);

/// Checks `count_words(text: &str) -> HashMap<String, u64>`.
pub fn count_words(answer: impl Fn(&str) -> HashMap<String, u64> + Send + 'static) -> Report {
    COUNT_WORDS.grade(move || {
        let cases: [WordCase; 8] = [
            ("no text", "", &[]),
            ("one word, three ways", "Rust rust RUST", &[("rust", 3)]),
            (
                "punctuation",
                "Hello, world! Hello... (world)?",
                &[("hello", 2), ("world", 2)],
            ),
            (
                "runs of separators",
                "  one -- two,, three  ",
                &[("one", 1), ("two", 1), ("three", 1)],
            ),
            ("accented capitals", "Été, été; ÉTÉ", &[("été", 3)]),
            (
                "digits and underscores",
                "x_1 2024 x",
                &[("x", 2), ("1", 1), ("2024", 1)],
            ),
            ("an apostrophe", "don't", &[("don", 1), ("t", 1)]),
            (
                "punctuation beyond ASCII, as in the chapters",
                "“Hello” — world… a·b «hello»",
                &[("hello", 2), ("world", 1), ("a", 1), ("b", 1)],
            ),
        ];
        for (case, text, want) in cases {
            let want: BTreeMap<String, u64> =
                want.iter().map(|&(w, n)| (w.to_string(), n)).collect();
            let got: BTreeMap<String, u64> = answer(text).into_iter().collect();
            if got != want {
                return Err(Wrong::in_case(case, word_problem(text, &want, &got)));
            }
        }
        // A text that changes from run to run: an answer that knows only the
        // texts above cannot pass.
        let (text, want) = random_text(&mut Dice::new());
        let got: BTreeMap<String, u64> = answer(&text).into_iter().collect();
        if got != want {
            return Err(Wrong::in_case(
                "a text drawn at random",
                word_problem(&text, &want, &got),
            ));
        }
        Ok(
            "case folded (accented letters too), punctuation and runs of separators dropped, \
             no empty words, every word counted."
                .into(),
        )
    })
}

/// Words and separators of every kind the named cases hold, strung together
/// at random, with the counts they must give.
fn random_text(dice: &mut Dice) -> (String, BTreeMap<String, u64>) {
    const WORDS: [&str; 8] = [
        "Rust", "rust", "été", "ÉTÉ", "x_1", "2024", "don't", "Ωmega",
    ];
    const SEPARATORS: [&str; 8] = [" ", ", ", " — ", "… ", "“", "” ", "·", "!? "];
    let pick =
        |dice: &mut Dice, from: &[&'static str]| from[dice.between(0, from.len() as u64) as usize];
    let mut text = String::new();
    for _ in 0..dice.between(6, 12) {
        text.push_str(pick(dice, &SEPARATORS));
        text.push_str(pick(dice, &WORDS));
    }
    let mut want = BTreeMap::new();
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *want.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    (text, want)
}

/// Says what is wrong with the counts of `text`, most telling problem first.
fn word_problem(text: &str, want: &BTreeMap<String, u64>, got: &BTreeMap<String, u64>) -> String {
    let seen = format!("the text {text:?} gave {got:?}; expected {want:?}.");
    if let Some(&n) = got.get("") {
        return format!(
            "{seen} The empty string was counted {}: splitting at every separator leaves \
             empty pieces between two neighbouring separators, and so does stripping a piece \
             made only of separators. Skip empty pieces.",
            plural(n, "time", "times")
        );
    }
    if let Some(w) = got.keys().find(|w| !w.chars().all(char::is_alphanumeric)) {
        return format!(
            "{seen} “{w}” still carries a separator: split at every character that is not a \
             letter or a digit (char::is_alphanumeric), not only at spaces."
        );
    }
    if let Some(w) = got.keys().find(|w| w.to_lowercase() != **w) {
        return format!(
            "{seen} “{w}” kept a capital letter: fold every word with to_lowercase(), which \
             also lowers É (to_ascii_lowercase() leaves it as it is)."
        );
    }
    if let Some(w) = want.keys().find(|w| !w.is_ascii() && !got.contains_key(*w)) {
        return format!(
            "{seen} “{w}” is missing: é is a letter too. Use char::is_alphanumeric, which \
             knows every alphabet, not is_ascii_alphanumeric."
        );
    }
    // Every word there, each counted once: only whether it appears was counted.
    if got.keys().eq(want.keys()) && got.values().all(|&n| n == 1) {
        let (sum_want, sum_got): (u64, u64) = (want.values().sum(), got.values().sum());
        return format!(
            "{seen} The text holds {sum_want} words, the counts add up to {sum_got}: count \
             every occurrence of a word, not just whether it appears."
        );
    }
    format!(
        "{seen} Words missing or miscounted: {}. A word is any run of letters or digits, one \
         character long included.",
        miscounted(want, got)
    )
}

/// The words whose count differs, "word: expected n, got m", the first few.
fn miscounted(want: &BTreeMap<String, u64>, got: &BTreeMap<String, u64>) -> String {
    const SHOWN: usize = 5;
    let count = |table: &BTreeMap<String, u64>, w: &str| table.get(w).copied().unwrap_or(0);
    let words: BTreeSet<&String> = want.keys().chain(got.keys()).collect();
    let wrong: Vec<String> = words
        .into_iter()
        .filter(|w| count(want, w) != count(got, w))
        .map(|w| format!("{w}: expected {}, got {}", count(want, w), count(got, w)))
        .collect();
    let more = if wrong.len() > SHOWN { "; …" } else { "" };
    format!("{}{more}", wrong[..wrong.len().min(SHOWN)].join("; "))
}
