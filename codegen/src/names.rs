//! Naming: Rust identifiers from the spec's snake_case, dotted and SCREAMING names.

/// `access_code.created` → `AccessCodeCreated`, `LOCK_DOOR` → `LockDoor`, `acs` → `Acs`.
pub fn pascal(s: &str) -> String {
    let mut out = String::new();
    for word in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// `AccessGrantId` → `access_grant_id`.
pub fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A field or method name: the wire name, as a raw identifier where it is a keyword.
pub fn field(s: &str) -> String {
    let snake: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{snake}")
    } else {
        snake
    }
}

/// The singular of a plural resource name, for the items of a list (`devices` → `device`,
/// `user_identities` → `user_identity`, `access` stays).
pub fn singular(s: &str) -> String {
    if let Some(stem) = s.strip_suffix("ies") {
        format!("{stem}y")
    } else if s.ends_with("sses") || s.ends_with("uses") {
        s[..s.len() - 2].to_owned()
    } else if let Some(stem) = s.strip_suffix('s')
        && !s.ends_with("ss")
    {
        stem.to_owned()
    } else {
        s.to_owned()
    }
}

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal("access_code.created"), "AccessCodeCreated");
        assert_eq!(pascal("LOCK_DOOR"), "LockDoor");
        assert_eq!(pascal("2fa"), "V2fa");
        assert_eq!(pascal(""), "V");
        assert_eq!(field("type"), "r#type");
        assert_eq!(field("_dev"), "_dev");
        assert_eq!(field("a-b"), "a_b");
        assert_eq!(singular("user_identities"), "user_identity");
        assert_eq!(singular("devices"), "device");
        assert_eq!(singular("access"), "access");
        assert_eq!(singular("statuses"), "status");
    }
}
