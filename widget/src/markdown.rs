//! A small, safe markdown subset for message bodies: `**bold**`, `*italic*` / `_italic_`,
//! `` `code` ``, fenced code blocks, `-`/`*`/`+` and `1.` lists (one level), `[text](url)` links
//! and bare `http(s)://` autolinks. Backslash escapes a marker.
//!
//! The output is a tree of plain nodes, rendered with view nodes (never `inner_html`), so raw HTML
//! is only ever text. Links survive only with an `http:`, `https:` or `mailto:` target
//! ([`safe_href`]); any other `[text](url)` stays as the literal source text. Parsing is linear in
//! the input: a closer search that fails is remembered, so unterminated markers cost one scan.

/// Inline content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Plain text (newlines kept; the bubble preserves them).
    Text(String),
    /// `` `code` ``.
    Code(String),
    /// `**strong**` or `__strong__`.
    Strong(Vec<Inline>),
    /// `*emphasis*` or `_emphasis_`.
    Emphasis(Vec<Inline>),
    /// A link with a checked target.
    Link {
        /// The target, accepted by [`safe_href`].
        href: String,
        /// What the link shows.
        content: Vec<Inline>,
    },
}

/// Block content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A fenced code block, verbatim.
    Code(String),
    /// A list: `start` is `Some(n)` for a numbered list, `None` for bullets.
    List {
        /// The first number of a numbered list.
        start: Option<u32>,
        /// The items.
        items: Vec<Vec<Inline>>,
    },
}

/// How deep emphasis and links may nest before markers are plain text (bounds the work per byte).
const MAX_DEPTH: u8 = 3;

/// Parses a message body.
#[must_use]
pub fn parse(src: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Option<(Option<u32>, Vec<String>)> = None;
    let mut lines = src.lines();
    let flush_para = |para: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !para.is_empty() {
            blocks.push(Block::Paragraph(inlines(&para.join("\n"), 0, false)));
            para.clear();
        }
    };
    let flush_list = |list: &mut Option<(Option<u32>, Vec<String>)>, blocks: &mut Vec<Block>| {
        if let Some((start, items)) = list.take() {
            blocks.push(Block::List { start, items: items.iter().map(|i| inlines(i, 0, false)).collect() });
        }
    };
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            flush_para(&mut para, &mut blocks);
            flush_list(&mut list, &mut blocks);
            let mut code: Vec<&str> = Vec::new();
            for inner in lines.by_ref() {
                if inner.trim_start().starts_with("```") {
                    break;
                }
                code.push(inner);
            }
            blocks.push(Block::Code(code.join("\n")));
        } else if let Some((number, rest)) = list_item(trimmed) {
            flush_para(&mut para, &mut blocks);
            match &mut list {
                Some((start, items)) if start.is_some() == number.is_some() => items.push(rest.to_owned()),
                _ => {
                    flush_list(&mut list, &mut blocks);
                    list = Some((number, vec![rest.to_owned()]));
                }
            }
        } else if trimmed.is_empty() {
            flush_para(&mut para, &mut blocks);
            flush_list(&mut list, &mut blocks);
        } else if let (Some((_, items)), true) = (&mut list, line.starts_with("  ")) {
            // An indented line continues the last item.
            if let Some(last) = items.last_mut() {
                last.push('\n');
                last.push_str(trimmed);
            }
        } else {
            flush_list(&mut list, &mut blocks);
            para.push(line);
        }
    }
    flush_para(&mut para, &mut blocks);
    flush_list(&mut list, &mut blocks);
    blocks
}

/// `- item`, `* item`, `+ item` → `(None, "item")`; `3. item` or `3) item` → `(Some(3), "item")`.
fn list_item(line: &str) -> Option<(Option<u32>, &str)> {
    let b = line.as_bytes();
    if matches!(b.first(), Some(b'-' | b'*' | b'+')) && b.get(1) == Some(&b' ') {
        return Some((None, line[2..].trim_start()));
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=9).contains(&digits) && matches!(b.get(digits), Some(b'.' | b')')) && b.get(digits + 1) == Some(&b' ') {
        return Some((line[..digits].parse().ok(), line[digits + 2..].trim_start()));
    }
    None
}

/// The plain text of parsed blocks (for announcements): markers gone, links as their text.
#[must_use]
pub fn plain_text(blocks: &[Block]) -> String {
    fn inline_text(nodes: &[Inline], out: &mut String) {
        for node in nodes {
            match node {
                Inline::Text(t) | Inline::Code(t) => out.push_str(t),
                Inline::Strong(c) | Inline::Emphasis(c) | Inline::Link { content: c, .. } => inline_text(c, out),
            }
        }
    }
    let mut out = String::new();
    for block in blocks {
        if !out.is_empty() {
            out.push('\n');
        }
        match block {
            Block::Paragraph(c) => inline_text(c, &mut out),
            Block::Code(code) => out.push_str(code),
            Block::List { items, .. } => {
                for item in items {
                    inline_text(item, &mut out);
                    out.push('\n');
                }
            }
        }
    }
    out.trim_end().to_owned()
}

/// Accepts a link target only when it is plainly `http://`, `https://` (with a host) or
/// `mailto:`: the scheme must come first, unobfuscated, and the target may hold no whitespace,
/// control characters, quotes, angle brackets or backslashes (browsers drop tabs and newlines
/// inside URLs, so `java\tscript:` must not sneak through, and `\\` may turn into `//`).
#[must_use]
pub fn safe_href(raw: &str) -> Option<&str> {
    if raw.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')) {
        return None;
    }
    let rest = if has_prefix(raw, "https://") {
        &raw[8..]
    } else if has_prefix(raw, "http://") || has_prefix(raw, "mailto:") {
        &raw[7..]
    } else {
        return None;
    };
    (!rest.is_empty() && !rest.starts_with('/')).then_some(raw)
}

/// Whether `s` starts with `prefix`, ignoring ASCII case.
fn has_prefix(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Parses inline markers in `s`. `depth` bounds nesting; inside a link no other link starts.
fn inlines(s: &str, depth: u8, in_link: bool) -> Vec<Inline> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut text = String::new();
    // Where a closer search for `` ` ``, `*`, `**`, `_`, `__` failed: no closer from there on.
    let mut miss = [usize::MAX; 5];
    // The next `]` and the next `)`-or-whitespace found, reused while still ahead (linear time).
    let mut next_bracket: Option<usize> = None;
    let mut next_paren: Option<usize> = None;
    let mut i = 0;
    let flush = |text: &mut String, out: &mut Vec<Inline>| {
        if !text.is_empty() {
            out.push(Inline::Text(std::mem::take(text)));
        }
    };
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && b.get(i + 1).is_some_and(u8::is_ascii_punctuation) {
            text.push(char::from(b[i + 1]));
            i += 2;
            continue;
        }
        if c == b'`' {
            if let Some(end) = find_closer(b, i + 1, b'`', 1, &mut miss[0]) {
                flush(&mut text, &mut out);
                out.push(Inline::Code(s[i + 1..end].to_owned()));
                i = end + 1;
                continue;
            }
        } else if (c == b'*' || c == b'_') && depth < MAX_DEPTH {
            let n = if b.get(i + 1) == Some(&c) { 2 } else { 1 };
            let opens = b.get(i + n).is_some_and(|d| !d.is_ascii_whitespace())
                && (c == b'*' || i == 0 || !b[i - 1].is_ascii_alphanumeric());
            let slot = usize::from(c == b'_') * 2 + n;
            if opens && let Some(end) = find_closer(b, i + n, c, n, &mut miss[slot]) {
                flush(&mut text, &mut out);
                let inner = inlines(&s[i + n..end], depth + 1, in_link);
                out.push(if n == 2 { Inline::Strong(inner) } else { Inline::Emphasis(inner) });
                i = end + n;
                continue;
            }
            text.push_str(&s[i..i + n]);
            i += n;
            continue;
        } else if c == b'[' && !in_link && depth < MAX_DEPTH {
            if let Some((close, end)) = link_at(b, i, &mut next_bracket, &mut next_paren) {
                let label = &s[i + 1..close];
                let url = &s[close + 2..end];
                if safe_href(url).is_some() && !label.is_empty() {
                    flush(&mut text, &mut out);
                    out.push(Inline::Link { href: url.to_owned(), content: inlines(label, depth + 1, true) });
                } else {
                    // Refused target: the whole source stays visible as text.
                    text.push_str(&s[i..=end]);
                }
                i = end + 1;
                continue;
            }
        } else if (c == b'h' || c == b'H')
            && !in_link
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && let Some(end) = autolink_end(s, i)
        {
            flush(&mut text, &mut out);
            let url = &s[i..end];
            out.push(Inline::Link { href: url.to_owned(), content: vec![Inline::Text(url.to_owned())] });
            i = end;
            continue;
        }
        let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
        text.push(ch);
        i += ch.len_utf8();
    }
    flush(&mut text, &mut out);
    out
}

/// The start of the first closer of `n` × `marker` after a non-empty run from `from`: preceded by
/// a non-space, not part of a longer run, and for `_` not followed by a letter or digit. A miss
/// is remembered in `miss` (a later search starts later, so it would miss too).
fn find_closer(b: &[u8], from: usize, marker: u8, n: usize, miss: &mut usize) -> Option<usize> {
    if from >= *miss {
        return None;
    }
    let mut j = from + 1;
    while j + n <= b.len() {
        if b[j] == marker {
            let run = b[j..].iter().take_while(|&&x| x == marker).count();
            let ok = marker == b'`'
                || (run == n
                    && !b[j - 1].is_ascii_whitespace()
                    && (marker != b'_' || !b.get(j + n).is_some_and(u8::is_ascii_alphanumeric)));
            if ok {
                return Some(j);
            }
            j += run;
        } else {
            j += 1;
        }
    }
    *miss = from;
    None
}

/// `[text](url)` at `i`: `(index of the "]", index of the closing parenthesis)`.
/// The URL runs to the first `)` and may not hold whitespace.
fn link_at(b: &[u8], i: usize, next_bracket: &mut Option<usize>, next_paren: &mut Option<usize>) -> Option<(usize, usize)> {
    let close = cached_find(b, i + 1, next_bracket, |c| c == b']')?;
    if b.get(close + 1) != Some(&b'(') {
        return None;
    }
    let end = cached_find(b, close + 2, next_paren, |c| c == b')' || c.is_ascii_whitespace())?;
    (b[end] == b')').then_some((close, end))
}

/// The first index from `from` whose byte matches, reusing the last answer while it is ahead
/// (`usize::MAX` in the cache means "none left").
fn cached_find(b: &[u8], from: usize, cache: &mut Option<usize>, hit: impl Fn(u8) -> bool) -> Option<usize> {
    let found = match *cache {
        Some(at) if at >= from => at,
        _ => b.get(from..).and_then(|rest| rest.iter().position(|&c| hit(c))).map_or(usize::MAX, |p| p + from),
    };
    *cache = Some(found);
    (found != usize::MAX).then_some(found)
}

/// The end of a bare `http://` / `https://` URL starting at `i`, without trailing punctuation.
fn autolink_end(s: &str, i: usize) -> Option<usize> {
    let rest = &s[i..];
    let scheme = if has_prefix(rest, "https://") {
        8
    } else if has_prefix(rest, "http://") {
        7
    } else {
        return None;
    };
    let len = rest.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '\\')).unwrap_or(rest.len());
    let url = rest[..len].trim_end_matches(['.', ',', ':', ';', '!', '?', ')', '\'', '*', '_']);
    (url.len() > scheme && safe_href(url).is_some()).then_some(i + url.len())
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
