//! Tab completion of file names, as a shell does it: the typed path is
//! split into its folder and the start of a name; the worker lists the
//! folder (IO) and this module, pure, decides what the text becomes.

pub use crate::domain::document::Entry;

/// What Tab did: the new text, and the names that still match when more
/// than one does (for the form to show).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    pub text: String,
    pub candidates: Vec<String>,
}

/// ("docs/", "rep") for "docs/rep"; ("", "rep") for "rep"; the folder part
/// keeps its trailing '/', so the text is always folder + name.
pub fn split(input: &str) -> (&str, &str) {
    match input.rfind('/') {
        Some(i) => input.split_at(i + 1),
        None => ("", input),
    }
}

/// The folder the worker lists for `input`: "" means the current one.
pub fn folder(input: &str) -> &str {
    split(input).0
}

/// The path `typed` names: `~` and `~/…` are under `home`; anything else
/// as the operating system reads it (relative to where caseload runs).
pub fn expand(typed: &str, home: Option<&std::path::Path>) -> std::path::PathBuf {
    match (typed.strip_prefix('~'), home) {
        (Some(""), Some(h)) => h.to_path_buf(),
        (Some(rest), Some(h)) if rest.starts_with('/') => h.join(&rest[1..]),
        _ => std::path::PathBuf::from(typed),
    }
}

/// Completes `input` against the listing of its folder. Hidden names are
/// offered only when the typed start is a dot.
pub fn complete(input: &str, entries: &[Entry]) -> Completion {
    let (dir, start) = split(input);
    let mut matching: Vec<&Entry> = entries
        .iter()
        .filter(|e| {
            e.name.starts_with(start) && (start.starts_with('.') || !e.name.starts_with('.'))
        })
        .collect();
    matching.sort_by(|a, b| a.name.cmp(&b.name));
    match matching.as_slice() {
        [] => Completion {
            text: input.to_string(),
            candidates: vec![],
        },
        [one] => Completion {
            text: format!("{dir}{}{}", one.name, if one.is_dir { "/" } else { "" }),
            candidates: vec![],
        },
        many => {
            let common = many
                .iter()
                .skip(1)
                .fold(many[0].name.as_str(), |acc, e| common_prefix(acc, &e.name));
            Completion {
                text: format!("{dir}{common}"),
                candidates: many
                    .iter()
                    .map(|e| format!("{}{}", e.name, if e.is_dir { "/" } else { "" }))
                    .collect(),
            }
        }
    }
}

/// The longest common start of two names, on a character boundary.
fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let end = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or_else(|| a.len().min(b.len()), |((i, _), _)| i);
    // `end` is a boundary of `a`; when b is shorter it is b's length, which
    // is a boundary of a too since they agree up to there.
    &a[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ls(names: &[&str]) -> Vec<Entry> {
        names
            .iter()
            .map(|n| Entry {
                name: n.trim_end_matches('/').to_string(),
                is_dir: n.ends_with('/'),
            })
            .collect()
    }

    #[test]
    fn one_match_is_completed_and_a_folder_gets_its_slash() {
        let e = ls(&["report.pdf", "notes/", "zeta.txt"]);
        assert_eq!(complete("rep", &e).text, "report.pdf");
        assert_eq!(complete("no", &e).text, "notes/");
        assert_eq!(complete("~/docs/ze", &e).text, "~/docs/zeta.txt");
        assert!(complete("rep", &e).candidates.is_empty());
    }

    #[test]
    fn several_matches_extend_to_what_they_share_and_are_listed() {
        let e = ls(&["consent-2025.pdf", "consent-2026.pdf", "café/", "cafés.txt"]);
        let c = complete("con", &e);
        assert_eq!(c.text, "consent-202");
        assert_eq!(c.candidates, vec!["consent-2025.pdf", "consent-2026.pdf"]);
        // Non-ASCII names split on characters, never inside one.
        let c = complete("ca", &e);
        assert_eq!(c.text, "café");
        assert_eq!(c.candidates, vec!["café/", "cafés.txt"]);
    }

    #[test]
    fn nothing_matching_leaves_the_text_and_hidden_names_need_a_dot() {
        let e = ls(&[".secret", "a.txt"]);
        assert_eq!(
            complete("b", &e),
            Completion {
                text: "b".into(),
                candidates: vec![]
            }
        );
        assert_eq!(complete("", &e).text, "a.txt");
        assert_eq!(complete(".s", &e).text, ".secret");
    }

    #[test]
    fn a_tilde_is_the_home_folder() {
        let home = std::path::Path::new("/home/dana");
        assert_eq!(expand("~/x.pdf", Some(home)), home.join("x.pdf"));
        assert_eq!(expand("~", Some(home)), home);
        assert_eq!(
            expand("~bob/x", Some(home)),
            std::path::PathBuf::from("~bob/x")
        );
        assert_eq!(
            expand("/tmp/a", Some(home)),
            std::path::PathBuf::from("/tmp/a")
        );
        assert_eq!(expand("~/x", None), std::path::PathBuf::from("~/x"));
    }

    #[test]
    fn the_folder_is_everything_up_to_the_last_slash() {
        assert_eq!(split("/tmp/x/re"), ("/tmp/x/", "re"));
        assert_eq!(split("re"), ("", "re"));
        assert_eq!(folder("/"), "/");
        assert_eq!(folder("~/"), "~/");
    }
}
