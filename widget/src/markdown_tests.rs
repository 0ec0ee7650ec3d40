//! Unit tests of the markdown subset, hostile inputs first.

use super::*;

fn text(s: &str) -> Inline {
    Inline::Text(s.to_owned())
}

fn para(s: &str) -> Vec<Inline> {
    match parse(s).as_slice() {
        [Block::Paragraph(p)] => p.clone(),
        other => panic!("not one paragraph: {other:?}"),
    }
}

fn links(blocks: &[Block]) -> Vec<String> {
    fn walk(nodes: &[Inline], out: &mut Vec<String>) {
        for n in nodes {
            match n {
                Inline::Link { href, content } => {
                    out.push(href.clone());
                    walk(content, out);
                }
                Inline::Strong(c) | Inline::Emphasis(c) => walk(c, out),
                Inline::Text(_) | Inline::Code(_) => {}
            }
        }
    }
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Paragraph(p) => walk(p, &mut out),
            Block::List { items, .. } => items.iter().for_each(|i| walk(i, &mut out)),
            Block::Code(_) => {}
        }
    }
    out
}

#[test]
fn raw_html_is_only_text() {
    let src = "<img src=x onerror=alert(1)> <script>alert(1)</script>";
    assert_eq!(para(src), vec![text(src)]);
}

#[test]
fn script_and_data_links_stay_literal_text() {
    for src in [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "[x](//evil.example)",
        "[x](https:/\\evil.example)",
        "[x](https:)",
        "[x](https:///evil)",
        "[x](\u{0}javascript:alert(1))",
        "[x](file:///etc/passwd)",
    ] {
        let blocks = parse(src);
        assert_eq!(links(&blocks), Vec::<String>::new(), "{src:?}");
        assert_eq!(plain_text(&blocks), src, "{src:?} is shown as written");
    }
}

#[test]
fn safe_links_are_kept() {
    assert_eq!(
        para("see [the docs](https://example.com/a?b=1#c) now"),
        vec![
            text("see "),
            Inline::Link { href: "https://example.com/a?b=1#c".into(), content: vec![text("the docs")] },
            text(" now"),
        ]
    );
    assert_eq!(links(&parse("[mail](mailto:help@example.com) [h](HTTP://x.io)")), ["mailto:help@example.com", "HTTP://x.io"]);
    assert_eq!(safe_href("https://example.com"), Some("https://example.com"));
    for bad in ["javascript:x", " https://x", "https://x y", "https://", "mailto:", "ftp://x", "https://x\"onclick=1", "https://x<y"] {
        assert_eq!(safe_href(bad), None, "{bad:?}");
    }
}

#[test]
fn bare_urls_become_links_without_trailing_punctuation() {
    assert_eq!(
        para("Look: https://example.com/x. Or (http://a.io/b)!"),
        vec![
            text("Look: "),
            Inline::Link { href: "https://example.com/x".into(), content: vec![text("https://example.com/x")] },
            text(". Or ("),
            Inline::Link { href: "http://a.io/b".into(), content: vec![text("http://a.io/b")] },
            text(")!"),
        ]
    );
    assert_eq!(links(&parse("xhttps://a.io javascript://x https://")), Vec::<String>::new());
}

#[test]
fn emphasis_code_and_escapes() {
    assert_eq!(
        para("**bold** and *it* and _it_ and `a <b> *c*` and \\*not\\*"),
        vec![
            Inline::Strong(vec![text("bold")]),
            text(" and "),
            Inline::Emphasis(vec![text("it")]),
            text(" and "),
            Inline::Emphasis(vec![text("it")]),
            text(" and "),
            Inline::Code("a <b> *c*".into()),
            text(" and *not*"),
        ]
    );
    assert_eq!(para("*a **b** c*"), vec![Inline::Emphasis(vec![text("a "), Inline::Strong(vec![text("b")]), text(" c")])]);
    assert_eq!(para("snake_case_name and 2 * 3 * 4"), vec![text("snake_case_name and 2 * 3 * 4")]);
    assert_eq!(para("**[x](https://a.io)**"), vec![Inline::Strong(vec![Inline::Link { href: "https://a.io".into(), content: vec![text("x")] }])]);
}

#[test]
fn unterminated_and_nested_markers_are_text() {
    for src in ["**open", "*open", "`open", "[open", "[x](https://a.io", "__x", "** x**", "***"] {
        assert_eq!(plain_text(&parse(src)), src, "{src:?}");
    }
    // Nesting is bounded: past the limit, markers are text.
    let deep = "*a **b *c **d** c* b** a*";
    assert!(plain_text(&parse(deep)).contains('d'));
}

#[test]
fn lists_and_code_blocks() {
    let src = "Steps:\n1. one\n2. **two**\n\n- a\n* b\n  more\n```rust\nlet x = <b>1</b>;\n**no**\n```\nafter";
    assert_eq!(
        parse(src),
        vec![
            Block::Paragraph(vec![text("Steps:")]),
            Block::List { start: Some(1), items: vec![vec![text("one")], vec![Inline::Strong(vec![text("two")])]] },
            Block::List { start: None, items: vec![vec![text("a")], vec![text("b\nmore")]] },
            Block::Code("let x = <b>1</b>;\n**no**".into()),
            Block::Paragraph(vec![text("after")]),
        ]
    );
    assert_eq!(parse("```\nunterminated <i>"), vec![Block::Code("unterminated <i>".into())]);
    assert_eq!(parse("7) seven"), vec![Block::List { start: Some(7), items: vec![vec![text("seven")]] }]);
}

#[test]
fn huge_and_pathological_inputs_parse_in_linear_time() {
    let n = 200_000;
    let inputs = [
        "*".repeat(n),
        "`a".repeat(n / 2),
        "[a](".repeat(n / 4),
        "[".repeat(n) + "]",
        "_a *b **c [d".repeat(n / 12),
        "**a ".repeat(n / 4),
        "https://a.io/".repeat(n / 13),
        "- x\n".repeat(n / 4),
        "```\n".repeat(n / 4),
        "é*".repeat(n / 3),
    ];
    let started = std::time::Instant::now();
    for input in &inputs {
        let blocks = parse(input);
        assert!(!plain_text(&blocks).is_empty() || input.trim_start_matches("```\n").is_empty());
    }
    // Quadratic work on 200 000 bytes would take minutes; linear takes milliseconds.
    assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
}

#[test]
fn plain_text_drops_markers() {
    assert_eq!(plain_text(&parse("**Hi** [there](https://a.io)\n- one\n- two")), "Hi there\none\ntwo");
}
