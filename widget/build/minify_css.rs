//! Minifies the widget's stylesheet for the wasm (the build script writes it to `OUT_DIR`):
//! comments go, whitespace runs become one space, and the spaces around `{ } ; ,` and after `:`
//! go (never before `:`, where `.a :hover` differs from `.a:hover`), as does a `;` before `}`.
//! Quoted strings are copied as they are.

/// `css` without comments and needless whitespace.
pub fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for inner in chars.by_ref() {
                    if last == '*' && inner == '/' {
                        break;
                    }
                    last = inner;
                }
                pending_space = true;
            }
            '"' | '\'' => {
                flush_space(&mut out, &mut pending_space, c);
                out.push(c);
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == c {
                        break;
                    }
                }
            }
            c if c.is_whitespace() => pending_space = true,
            '{' | '}' | ';' | ',' => {
                pending_space = false;
                if c == '}' && out.ends_with(';') {
                    out.pop();
                }
                out.push(c);
                // No space after these.
                skip_whitespace(&mut chars);
            }
            ':' => {
                flush_space(&mut out, &mut pending_space, c);
                out.push(c);
                // `a: b` and `(min-width: 4px)` lose the space; no selector has one after `:`.
                skip_whitespace(&mut chars);
            }
            _ => {
                flush_space(&mut out, &mut pending_space, c);
                out.push(c);
            }
        }
    }
    out.trim().to_owned()
}

/// Writes the pending space unless it would sit next to a separator that needs none.
fn flush_space(out: &mut String, pending: &mut bool, next: char) {
    if *pending && !out.is_empty() && !out.ends_with(['{', '}', ';', ',']) && !matches!(next, '{' | '}' | ';' | ',') {
        out.push(' ');
    }
    *pending = false;
}

fn skip_whitespace(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while chars.peek().is_some_and(|c| c.is_whitespace()) {
        chars.next();
    }
}

#[cfg(test)]
mod tests {
    use super::minify_css;

    #[test]
    fn drops_comments_and_needless_space_but_keeps_meaning() {
        let css = "/* head */\n.root :focus-visible ,\n.a > .b {\n  color : red ;\n  font-family: \"Segoe  UI\", x;\n}\n@media (min-width: 480px) {\n  .c:hover { margin: 0 auto; } /* x */\n}\n";
        assert_eq!(
            minify_css(css),
            ".root :focus-visible,.a > .b{color :red;font-family:\"Segoe  UI\",x}@media (min-width:480px){.c:hover{margin:0 auto}}"
        );
    }

    #[test]
    fn the_widget_stylesheet_keeps_every_rule_and_property() {
        let css = include_str!("../src/widget.css");
        let min = minify_css(css);
        assert!(min.len() < css.len() * 9 / 10, "{} -> {}", css.len(), min.len());
        assert_eq!(min.matches('{').count(), css.matches('{').count());
        assert_eq!(min.matches('}').count(), css.matches('}').count());
        for property in css.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).filter(|w| w.starts_with("--")) {
            assert!(min.contains(property), "{property}");
        }
    }
}
