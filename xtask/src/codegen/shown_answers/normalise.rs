//! Rust code read as tokens and normalised for the guard in [`super`]: names
//! the code binds itself become one placeholder, string literals another,
//! borrows are dropped, iterator forms read alike; and the longest run two
//! normalised cells share.

use std::collections::HashSet;
use std::str::FromStr;

use proc_macro2::{Delimiter, LineColumn, Spacing, TokenStream, TokenTree};

/// One token of a cell, where it was, and how it reads after normalising.
#[derive(Clone, Debug)]
pub(super) struct Token {
    raw: String,
    pub(super) start: LineColumn,
    end: LineColumn,
    kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kind {
    Ident,
    Punct,
    Literal,
    Open,
    Close,
}

/// The tokens of some Rust code, groups flattened into open and close tokens, doc comments
/// dropped (ordinary comments never reach the token stream). `None` when it does not lex
/// (an unclosed bracket or string).
pub(super) fn tokens(code: &str) -> Option<Vec<Token>> {
    let stream = TokenStream::from_str(code).ok()?;
    let mut out = Vec::new();
    flatten(stream, &mut out);
    Some(out)
}

pub(super) fn flatten(stream: TokenStream, out: &mut Vec<Token>) {
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

pub(super) fn is_local_name(t: &Token) -> bool {
    t.kind == Kind::Ident
        && t.raw
            .starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && !matches!(t.raw.as_str(), "mut" | "ref" | "_" | "self" | "in" | "move")
}

pub(super) fn is_punct(t: Option<&Token>, c: &str) -> bool {
    t.is_some_and(|t| t.kind == Kind::Punct && t.raw == c)
}

/// Whether `tokens[i]` is a lone `=` (an assignment), not part of `==`, `<=`, `=>`, `+=`...
pub(super) fn lone_equals(tokens: &[Token], i: usize) -> bool {
    let joined = |j: Option<usize>| {
        j.and_then(|j| tokens.get(j))
            .is_some_and(|t| t.kind == Kind::Punct && "=!<>+-*/%^&|".contains(t.raw.as_str()))
    };
    is_punct(tokens.get(i), "=") && !joined(i.checked_sub(1)) && !joined(Some(i + 1))
}

/// The names a pattern binds, from `tokens[from..]` up to where `stop` says it ends (at the
/// pattern's own depth): lower-case names that are not a path, a call or a type after `:`.
pub(super) fn pattern_names(
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
pub(super) fn bound_names(tokens: &[Token]) -> HashSet<String> {
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
pub(super) fn normal_form(tokens: &[Token], i: usize, locals: &HashSet<String>) -> Option<String> {
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
pub(super) struct Normalised {
    code: String,
    tokens: Vec<Token>,
    pub(super) words: Vec<(String, usize)>,
}

impl Normalised {
    /// The tokens of `code` for which `keep` holds, normalised with every name the whole of
    /// `code` binds.
    pub(super) fn of(code: &str, keep: impl Fn(&Token) -> bool) -> Option<Self> {
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
    pub(super) fn source_lines(&self, from: usize, to: usize) -> Vec<&str> {
        let first = self.tokens[self.words[from].1].start.line;
        let last = self.tokens[self.words[to - 1].1].end.line;
        let lines = self.code.lines().skip(first - 1);
        lines.take(last + 1 - first).collect()
    }
}

/// The longest run of words `a` and `b` share: its length, and where it starts in `b`.
pub(super) fn longest_shared_run(a: &[(String, usize)], b: &[(String, usize)]) -> (usize, usize) {
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

/// The normal forms of `code`'s words, separated by spaces.
pub(super) fn words(code: &str) -> String {
    let normalised = Normalised::of(code, |_| true).expect("Rust tokens");
    let words: Vec<String> = normalised.words.into_iter().map(|(w, _)| w).collect();
    words.join(" ")
}
