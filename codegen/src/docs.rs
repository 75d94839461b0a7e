//! Rustdoc from the spec's Markdown: safe for rustdoc (no doctests, no broken links, no stray
//! HTML) and written as `///` lines.

/// `text` as `///` lines at `indent`, made safe for rustdoc.
pub fn lines(text: &str, indent: &str) -> String {
    let safe = sanitize(text);
    let mut out = String::new();
    for line in safe.trim().lines() {
        if line.trim().is_empty() {
            out.push_str(indent);
            out.push_str("///\n");
        } else {
            out.push_str(indent);
            out.push_str("/// ");
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// Escapes what rustdoc would misread: bare `[x]` (a broken intra-doc link), `<` and `>`
/// outside code (HTML), code fences (doctests; marked `text`), and indented lines (indented
/// code blocks are doctests too: their indentation is dropped).
pub fn sanitize(text: &str) -> String {
    let mut out = String::new();
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            out.push_str(if in_fence { "```text" } else { "```" });
            out.push('\n');
            continue;
        }
        if in_fence {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        // Keep list nesting readable but never four spaces (an indented code block).
        let indent = (line.len() - trimmed.len()).min(2);
        out.push_str(&" ".repeat(indent));
        out.push_str(&escape_inline(trimmed));
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    out
}

fn escape_inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                // A Markdown link `[text](url)` stays; anything else is escaped.
                if let Some(close) = chars[i..].iter().position(|&c| c == ']')
                    && chars.get(i + close + 1) == Some(&'(')
                    && !chars[i + 1..i + close].contains(&'[')
                {
                    out.push('[');
                } else {
                    out.push_str("\\[");
                }
            }
            ']' => {
                if chars.get(i + 1) == Some(&'(') {
                    out.push(']');
                } else {
                    out.push_str("\\]");
                }
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
        i += 1;
    }
    if in_code {
        // An unclosed backtick: close it so the rest of the doc is not code.
        out.push('`');
    }
    out
}

/// `s` as a Rust string literal.
pub fn lit(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_stay_and_brackets_escape() {
        assert_eq!(
            escape_inline("See [docs](https://x.y) and [note] <b>"),
            "See [docs](https://x.y) and \\[note\\] &lt;b&gt;"
        );
        assert_eq!(escape_inline("`a<b>[c]` d"), "`a<b>[c]` d");
    }

    #[test]
    fn fences_become_text_and_indents_shrink() {
        let s = sanitize("a\n```js\nx\n```\n      deep\n");
        assert_eq!(s, "a\n```text\nx\n```\n  deep\n");
        assert_eq!(lines("one\n\ntwo", "  "), "  /// one\n  ///\n  /// two\n");
    }
}
