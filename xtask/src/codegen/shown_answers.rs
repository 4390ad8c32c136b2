//! Guard: no exercise's answer is shown elsewhere in its student notebook.
//!
//! Each answer (the lines between `// BEGIN SOLUTION` and `// END SOLUTION`) is compared with
//! every other code cell of the student notebook, after both are normalised: names the code
//! binds itself (`let`, parameters, closure parameters, `for` patterns, its own `fn` items)
//! become one placeholder, string literals another, borrows (`&`) are dropped, and the owning
//! and borrowing forms of an iterator (`into_iter`, `iter`, `iter_mut`; rayon's `par_` forms)
//! read alike. Method names, paths, types, keywords and numbers stay. A run of at least
//! [`needed_run`] tokens in common fails the test, naming the chapter, the exercise, the cell and
//! the shared code. There is no list of exceptions on purpose: a cell flagged wrongly is fixed
//! here, by reading code more exactly, never by excusing that cell.

use std::collections::HashSet;
use std::str::FromStr;

use proc_macro2::{Delimiter, LineColumn, Spacing, TokenStream, TokenTree};

use super::chapter::{self, Cell, Chapter, ChapterCopy};
use super::notebook;

/// How many normalised tokens an answer and another cell must share, in one run, for the cell
/// to show the answer: half the answer, so that a short answer seen mostly whole counts
/// (`hits.fetch_add(1, Ordering::Relaxed);` is 11 tokens, and rayon's
/// `.into_par_iter().map(|t|` is 10 of a 20-token answer), but from [`MIN_RUN`] to [`MAX_RUN`].
fn needed_run(answer_tokens: usize) -> usize {
    (answer_tokens / 2).clamp(MIN_RUN, MAX_RUN)
}

/// Shorter runs are phrases any two cells may share, such as `.lock().unwrap();` (8 tokens).
const MIN_RUN: usize = 10;
/// A long answer is shown when about three of its lines are (the channel demo of chapter 03
/// shares 47 tokens with `in_completion_order`). The boilerplate an answer shares with the
/// demos stays under it: building a pool of n threads, or joining every handle in order, is 23.
const MAX_RUN: usize = 25;

/// One token of a cell, where it was, and how it reads after normalising.
#[derive(Clone, Debug)]
struct Token {
    raw: String,
    start: LineColumn,
    end: LineColumn,
    kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Ident,
    Punct,
    Literal,
    Open,
    Close,
}

/// The tokens of some Rust code, groups flattened into open and close tokens, doc comments
/// dropped (ordinary comments never reach the token stream). `None` when it does not lex
/// (an unclosed bracket or string).
fn tokens(code: &str) -> Option<Vec<Token>> {
    let stream = TokenStream::from_str(code).ok()?;
    let mut out = Vec::new();
    flatten(stream, &mut out);
    Some(out)
}

fn flatten(stream: TokenStream, out: &mut Vec<Token>) {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    let punct =
        |k: usize, c: char| matches!(trees.get(k), Some(TokenTree::Punct(p)) if p.as_char() == c);
    let mut k = 0;
    while k < trees.len() {
        let token = |raw: String, span: proc_macro2::Span, kind| Token {
            raw,
            start: span.start(),
            end: span.end(),
            kind,
        };
        match &trees[k] {
            TokenTree::Ident(i) => out.push(token(i.to_string(), i.span(), Kind::Ident)),
            TokenTree::Literal(l) => out.push(token(l.to_string(), l.span(), Kind::Literal)),
            TokenTree::Punct(p) => {
                // `///` and `//!` arrive as `#[doc = "..."]` and `#![doc = "..."]`: prose, not code.
                let attribute = if punct(k + 1, '!') { k + 2 } else { k + 1 };
                let is_doc = matches!(trees.get(attribute), Some(TokenTree::Group(g))
                    if g.delimiter() == Delimiter::Bracket
                        && g.stream().into_iter().next().is_some_and(|f| f.to_string() == "doc"));
                if p.as_char() == '#' && is_doc {
                    k = attribute + 1;
                    continue;
                }
                // A path's `::` is one token, as Rust reads it.
                if p.as_char() == ':' && p.spacing() == Spacing::Joint && punct(k + 1, ':') {
                    let mut path = token("::".into(), p.span(), Kind::Punct);
                    path.end = trees[k + 1].span().end();
                    out.push(path);
                    k += 2;
                    continue;
                }
                out.push(token(p.as_char().to_string(), p.span(), Kind::Punct));
            }
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                if !open.is_empty() {
                    out.push(token(open.into(), g.span_open(), Kind::Open));
                }
                flatten(g.stream(), out);
                if !close.is_empty() {
                    out.push(token(close.into(), g.span_close(), Kind::Close));
                }
            }
        }
        k += 1;
    }
}

fn is_local_name(t: &Token) -> bool {
    t.kind == Kind::Ident
        && t.raw
            .starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && !matches!(t.raw.as_str(), "mut" | "ref" | "_" | "self" | "in" | "move")
}

fn is_punct(t: Option<&Token>, c: &str) -> bool {
    t.is_some_and(|t| t.kind == Kind::Punct && t.raw == c)
}

/// Whether `tokens[i]` is a lone `=` (an assignment), not part of `==`, `<=`, `=>`, `+=`...
fn lone_equals(tokens: &[Token], i: usize) -> bool {
    let joined = |j: Option<usize>| {
        j.and_then(|j| tokens.get(j))
            .is_some_and(|t| t.kind == Kind::Punct && "=!<>+-*/%^&|".contains(t.raw.as_str()))
    };
    is_punct(tokens.get(i), "=") && !joined(i.checked_sub(1)) && !joined(Some(i + 1))
}

/// The names a pattern binds, from `tokens[from..]` up to where `stop` says it ends (at the
/// pattern's own depth): lower-case names that are not a path, a call or a type after `:`.
fn pattern_names(
    tokens: &[Token],
    from: usize,
    stop: impl Fn(usize) -> bool,
    names: &mut HashSet<String>,
) {
    let mut depth = 0i32;
    let mut in_type = false;
    for i in from..tokens.len() {
        let t = &tokens[i];
        match t.kind {
            Kind::Open => depth += 1,
            Kind::Close if depth == 0 => return,
            Kind::Close => depth -= 1,
            _ => {}
        }
        if depth == 0 && stop(i) {
            return;
        }
        if depth == 0 && is_punct(Some(t), ":") {
            in_type = true;
        }
        if depth == 0 && is_punct(Some(t), ",") {
            in_type = false;
        }
        let next = tokens.get(i + 1);
        let path_or_call = is_punct(next, "::")
            || next.is_some_and(|n| n.kind == Kind::Open && n.raw != "[")
            || is_punct(next, "!")
            || (i > 0 && is_punct(tokens.get(i - 1), "::"));
        if !in_type && is_local_name(t) && !path_or_call {
            names.insert(t.raw.clone());
        }
    }
}

/// The names some code binds itself: its variables, parameters and `fn` items.
fn bound_names(tokens: &[Token]) -> HashSet<String> {
    let mut names = HashSet::new();
    for (i, t) in tokens.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| tokens.get(p));
        match (t.kind, t.raw.as_str()) {
            (Kind::Ident, "let") => pattern_names(
                tokens,
                i + 1,
                |j| lone_equals(tokens, j) || is_punct(tokens.get(j), ";"),
                &mut names,
            ),
            (Kind::Ident, "for") => pattern_names(
                tokens,
                i + 1,
                |j| tokens[j].kind == Kind::Ident && tokens[j].raw == "in",
                &mut names,
            ),
            (Kind::Ident, "fn") => {
                if let Some(name) = tokens.get(i + 1).filter(|n| n.kind == Kind::Ident) {
                    names.insert(name.raw.clone());
                }
                // The parameters: `name: Type` pairs inside the first parentheses.
                if let Some(open) = (i + 1..tokens.len())
                    .find(|&j| tokens[j].raw == "(" && tokens[j].kind == Kind::Open)
                {
                    let mut depth = 0;
                    for j in open..tokens.len() {
                        match tokens[j].kind {
                            Kind::Open => depth += 1,
                            Kind::Close => depth -= 1,
                            _ => {}
                        }
                        if depth == 0 {
                            break;
                        }
                        if depth == 1
                            && is_local_name(&tokens[j])
                            && is_punct(tokens.get(j + 1), ":")
                        {
                            names.insert(tokens[j].raw.clone());
                        }
                    }
                }
            }
            (Kind::Punct, "|") => {
                // A closure's parameters: a `|` where an expression starts.
                let starts_expression = prev.is_none_or(|p| {
                    matches!(p.kind, Kind::Open)
                        || (p.kind == Kind::Punct
                            && matches!(p.raw.as_str(), "," | "=" | ";" | ">"))
                        || (p.kind == Kind::Ident && matches!(p.raw.as_str(), "move" | "return"))
                });
                if starts_expression && !is_punct(tokens.get(i + 1), "|") {
                    pattern_names(tokens, i + 1, |j| is_punct(tokens.get(j), "|"), &mut names);
                }
            }
            _ => {}
        }
    }
    names
}

/// How a token reads after normalising, or `None` for a token that is dropped.
fn normal_form(tokens: &[Token], i: usize, locals: &HashSet<String>) -> Option<String> {
    let t = &tokens[i];
    let after_dot = i > 0 && is_punct(tokens.get(i - 1), ".");
    let before_path = is_punct(tokens.get(i + 1), "::");
    Some(match t.kind {
        Kind::Punct if t.raw == "&" => return None,
        Kind::Literal if t.raw.contains('"') => "\"…\"".to_string(),
        Kind::Ident if locals.contains(&t.raw) && !after_dot && !before_path => "$".to_string(),
        Kind::Ident => match t.raw.as_str() {
            "into_iter" | "iter_mut" => "iter".to_string(),
            "into_par_iter" | "par_iter_mut" => "par_iter".to_string(),
            other => other.to_string(),
        },
        _ => t.raw.clone(),
    })
}

/// Normalised code: each token's normal form, and the index of the token it came from.
struct Normalised {
    code: String,
    tokens: Vec<Token>,
    words: Vec<(String, usize)>,
}

impl Normalised {
    /// The tokens of `code` for which `keep` holds, normalised with every name the whole of
    /// `code` binds.
    fn of(code: &str, keep: impl Fn(&Token) -> bool) -> Option<Self> {
        let tokens = tokens(code)?;
        let locals = bound_names(&tokens);
        let words = (0..tokens.len())
            .filter(|&i| keep(&tokens[i]))
            .filter_map(|i| normal_form(&tokens, i, &locals).map(|w| (w, i)))
            .collect();
        Some(Normalised {
            code: code.to_string(),
            tokens,
            words,
        })
    }

    /// The whole source lines that hold words `from..to`.
    fn source_lines(&self, from: usize, to: usize) -> Vec<&str> {
        let first = self.tokens[self.words[from].1].start.line;
        let last = self.tokens[self.words[to - 1].1].end.line;
        let lines = self.code.lines().skip(first - 1);
        lines.take(last + 1 - first).collect()
    }
}

/// The longest run of words `a` and `b` share: its length, and where it starts in `b`.
fn longest_shared_run(a: &[(String, usize)], b: &[(String, usize)]) -> (usize, usize) {
    let mut best = (0, 0);
    let mut previous = vec![0usize; b.len() + 1];
    for word in a {
        let mut row = vec![0usize; b.len() + 1];
        for (j, other) in b.iter().enumerate() {
            if word.0 == other.0 {
                row[j + 1] = previous[j] + 1;
                if row[j + 1] > best.0 {
                    best = (row[j + 1], j + 1 - row[j + 1]);
                }
            }
        }
        previous = row;
    }
    best
}

/// An exercise's answer: its solved cell, normalised as a whole, only the answer's tokens kept.
fn answer(source: &str) -> Option<Normalised> {
    // The solved code drops the two marker lines: number the answer's lines as it does (1-based).
    let mut lines = HashSet::new();
    let (mut inside, mut line) = (false, 0);
    for l in source.lines() {
        match l.trim() {
            chapter::SOLUTION_BEGIN => inside = true,
            chapter::SOLUTION_END => inside = false,
            _ => {
                line += 1;
                if inside {
                    lines.insert(line);
                }
            }
        }
    }
    let solved = chapter::exercise_code(source, ChapterCopy::Solved);
    Normalised::of(&solved, |t| lines.contains(&t.start.line))
}

/// Every answer shown in another code cell of its student notebook, one paragraph each.
fn shown_answers(deps: &toml::Table, chapter: &Chapter) -> Vec<String> {
    let student =
        notebook::notebook(deps, chapter, ChapterCopy::Student).expect("the notebook builds");
    let cells: Vec<(String, String)> = student["cells"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["cell_type"] == "code")
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                notebook::source_text(c),
            )
        })
        .collect();
    let mut found = Vec::new();
    for cell in &chapter.cells {
        let Cell::Code {
            source,
            exercise: Some(name),
            ..
        } = cell
        else {
            continue;
        };
        let own_cell = chapter::exercise_code(source, ChapterCopy::Student);
        let own_check = chapter.check_call(name, None);
        let Some(answer) = answer(source) else {
            found.push(format!(
                "chapters/{}.md, exercise `{name}`: its cell does not read as Rust tokens",
                chapter.stem
            ));
            continue;
        };
        for (id, text) in &cells {
            if *text == own_cell || *text == own_check {
                continue;
            }
            let Some(other) = Normalised::of(text, |_| true) else {
                found.push(format!(
                    "chapters/{}.md, cell {id}: it does not read as Rust tokens",
                    chapter.stem
                ));
                continue;
            };
            let (length, at) = longest_shared_run(&answer.words, &other.words);
            if length >= needed_run(answer.words.len()) {
                let first_line = text.lines().next().unwrap_or_default();
                found.push(format!(
                    "chapters/{}.md, exercise `{name}`: cell {id} of notebooks/{}.ipynb (first line \
                     `{first_line}`) shows {length} of the {} tokens of its answer:\n{}",
                    chapter.stem,
                    chapter.stem,
                    answer.words.len(),
                    indent(&other.source_lines(at, at + length))
                ));
            }
        }
    }
    found
}

fn indent(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("    | {l}\n")).collect()
}

#[test]
fn no_student_notebook_shows_an_answer_in_another_cell() {
    let root = crate::root();
    let deps = notebook::workspace_deps(&root).unwrap();
    let chapters = chapter::read_all(&root).unwrap();
    let found: Vec<String> = chapters
        .iter()
        .flat_map(|c| shown_answers(&deps, c))
        .collect();
    assert!(
        found.is_empty(),
        "{} answer(s) shown in a student notebook, outside their exercise (after renaming the \
         code's own names: half of the answer's tokens in one run, from {MIN_RUN} to {MAX_RUN}). \
         An exercise must ask the learner to apply an idea to a case no cell above shows; \
         change the demo or the exercise:\n\n{}",
        found.len(),
        found.join("\n")
    );
}

/// The normal forms of `code`'s words, separated by spaces.
fn words(code: &str) -> String {
    let normalised = Normalised::of(code, |_| true).expect("Rust tokens");
    let words: Vec<String> = normalised.words.into_iter().map(|(w, _)| w).collect();
    words.join(" ")
}

#[test]
fn the_codes_own_names_become_one_placeholder_and_the_rest_stays() {
    assert_eq!(
        words(
            "/// Counts.\nlet hits = AtomicUsize::new(0);\nhits.fetch_add(1, Ordering::Relaxed); // one"
        ),
        "let $ = AtomicUsize :: new ( 0 ) ; $ . fetch_add ( 1 , Ordering :: Relaxed ) ;"
    );
    // Parameters, closure parameters, `for` patterns and `fn` items; a field after `.` stays.
    assert_eq!(
        words("fn f(xs: &[u64]) { for (i, x) in xs.iter().enumerate() { g(|y| y.len + i, x); } }"),
        "fn $ ( $ : [ u64 ] ) { for ( $ , $ ) in $ . iter ( ) . enumerate ( ) \
         { g ( | $ | $ . len + $ , $ ) ; } }"
    );
    assert_ne!(words("let v = 1;"), words("let v = 2;"), "numbers stay");
    assert_eq!(
        words(r#"let v = 1; v.into_par_iter().map(|x| x).expect("a")"#),
        words(r#"let w = 1; w.par_iter().map(|y| y).expect("b")"#)
    );
    assert_ne!(
        words("let v = 1; v.iter().sum::<u64>()"),
        words("let v = 1; v.iter().product::<u64>()")
    );
}

const EXERCISE: &str = "```rust exercise=pairs\nuse rayon::prelude::*;\n\n\
    pub fn pairs(xs: &[u64], ys: &[u64]) -> Vec<u64> {\n    // BEGIN SOLUTION\n    \
    assert_eq!(xs.len(), ys.len(), \"lengths differ\");\n    \
    xs.par_iter().zip(ys).map(|(&x, &y)| x * y).collect()\n    // END SOLUTION\n}\n```\n";

fn shown(demo: &str) -> Vec<String> {
    let chapter = super::tests::chapter_of(&format!(
        "{demo}\n{EXERCISE}\n> **Hint 1.** a\n\n> **Hint 2.** b\n"
    ))
    .unwrap();
    shown_answers(&toml::Table::new(), &chapter)
}

#[test]
fn an_answer_shown_with_other_names_is_found_and_named() {
    let demo = "```rust\nlet (a, b) = (vec![1u64], vec![2u64]);\n\
                let p: Vec<u64> = a.par_iter().zip(&b).map(|(p, q)| p * q).collect();\n```\n";
    let found = shown(demo);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "chapters/01-test.md, exercise `pairs`: cell 01-002 of notebooks/01-test.ipynb"
        ) && found[0].contains("let (a, b) = (vec![1u64], vec![2u64]);`)")
            && found[0].contains(
                "    | let p: Vec<u64> = a.par_iter().zip(&b).map(|(p, q)| p * q).collect();"
            ),
        "{}",
        found[0]
    );
}

#[test]
fn its_own_cell_its_check_and_shared_boilerplate_are_not_findings() {
    // The answer's opening check alone: a common line, short of half the answer.
    let demo = "```rust\nlet (u, v) = (vec![1u64], vec![2u64]);\nassert_eq!(u.len(), v.len(), \"no\");\n```\n";
    assert_eq!(shown(demo), Vec::<String>::new());
    assert_eq!(shown("Only prose."), Vec::<String>::new());
}
