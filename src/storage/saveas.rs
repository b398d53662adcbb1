//! Where a download lands: a file name from the database made safe for
//! the local disk, and "name (1).pdf" when the name is taken, so nothing
//! is ever overwritten silently.

/// A file name from a document row, safe to create in a folder: no path
/// separators, no control characters, not "." or "..", not hidden.
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "document".into()
    } else {
        trimmed.to_string()
    }
}

/// `name` if `taken` says it is free, else "stem (1).ext", "stem (2).ext", …
pub fn free_name(name: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(name) {
        return name.to_string();
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name, ""),
    };
    (1..)
        .map(|n| format!("{stem} ({n}){ext}"))
        .find(|c| !taken(c))
        .unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_database_cannot_leave_the_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name(".bashrc"), "bashrc");
        assert_eq!(safe_name("a\u{1b}[2Jb.pdf"), "a_[2Jb.pdf");
        assert_eq!(safe_name(".."), "document");
        assert_eq!(safe_name("Évaluation été.pdf"), "Évaluation été.pdf");
    }

    #[test]
    fn a_taken_name_gets_the_next_free_number() {
        let taken = ["report.pdf", "report (1).pdf"];
        let t = |n: &str| taken.contains(&n);
        assert_eq!(free_name("report.pdf", t), "report (2).pdf");
        assert_eq!(free_name("notes.txt", t), "notes.txt");
        assert_eq!(free_name("README", |n| n == "README"), "README (1)");
        assert_eq!(free_name("x.tar.gz", |n| n == "x.tar.gz"), "x.tar (1).gz");
    }
}
