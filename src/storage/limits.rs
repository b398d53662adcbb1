//! What may be uploaded: a size limit and a list of allowed types, judged
//! on the file's content (its first bytes), never its name, and checked
//! before the database is asked for a link.

use super::upload::sniff_content_type;
use crate::domain::figures::grouped;

/// Word's .docx is a zip holding `word/…`; told apart from other zips.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The default `storage.allowed_types`.
pub const DEFAULT_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/plain",
    DOCX,
];

/// Every type the content check can tell (what `storage.allowed_types` may
/// name).
pub const KNOWN_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/plain",
    DOCX,
    "application/zip",
    "application/octet-stream",
];

/// The default `storage.max_upload_mb`.
pub const DEFAULT_MAX_MB: u64 = 50;

/// How many leading bytes the type check reads.
pub const HEAD_BYTES: usize = 8192;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: u64,
    pub allowed: Vec<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: DEFAULT_MAX_MB * 1024 * 1024,
            allowed: DEFAULT_TYPES.iter().map(|t| t.to_string()).collect(),
        }
    }
}

impl Limits {
    pub fn from_config(c: &crate::config::StorageConfig) -> Limits {
        Limits {
            max_bytes: c.max_upload_mb.saturating_mul(1024 * 1024),
            allowed: c.allowed_types.clone(),
        }
    }

    /// Whether a file of `size` bytes may be uploaded at all (asked before
    /// it is read).
    pub fn check_size(&self, size: u64) -> Result<(), String> {
        if size > self.max_bytes {
            // The limit is set in MiB, so the file is measured in MiB too
            // (the lists show decimal MB): with the bytes, so a file just
            // over it does not read as equal to it.
            return Err(format!(
                "the file is {:.1} MiB ({} bytes) and the limit is {} MiB ({} bytes; setting \
                 storage.max_upload_mb)",
                size as f64 / (1024.0 * 1024.0),
                grouped(size),
                self.max_bytes / (1024 * 1024),
                grouped(self.max_bytes)
            ));
        }
        Ok(())
    }

    /// [`check`](Self::check) on a whole file read into memory.
    pub fn check_file(&self, bytes: &[u8]) -> Result<&'static str, String> {
        self.check(&bytes[..bytes.len().min(HEAD_BYTES)], bytes.len() as u64)
    }

    /// The content type of a file of `size` bytes starting with `head`, or
    /// why it may not be uploaded (naming the setting that says so).
    pub fn check(&self, head: &[u8], size: u64) -> Result<&'static str, String> {
        self.check_size(size)?;
        let kind = content_type(head, size);
        if !self.allowed.iter().any(|a| a == kind) {
            return Err(format!(
                "{} files may not be uploaded here: its content is {kind}; allowed are {} \
                 (setting storage.allowed_types)",
                words(kind),
                self.allowed.join(", ")
            ));
        }
        Ok(kind)
    }
}

/// The type of a file from its first bytes; `size` tells a text file cut
/// off mid-character by the head from a binary one.
pub fn content_type(head: &[u8], size: u64) -> &'static str {
    let kind = sniff_content_type(head);
    if kind == "application/zip" && contains(head, b"word/") {
        return DOCX;
    }
    if kind == "application/octet-stream" && (head.len() as u64) < size {
        // The head may end inside a multi-byte character.
        if let Err(e) = std::str::from_utf8(head)
            && e.error_len().is_none()
            && std::str::from_utf8(&head[..e.valid_up_to()]).is_ok_and(super::upload::is_text)
        {
            return "text/plain";
        }
    }
    kind
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn words(kind: &str) -> &str {
    match kind {
        "application/zip" => "zip",
        "application/octet-stream" => "unrecognised binary",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_decides_not_the_name() {
        let l = Limits::default();
        assert_eq!(l.check(b"%PDF-1.7\n", 9), Ok("application/pdf"));
        assert_eq!(l.check(b"plain words", 11), Ok("text/plain"));
        let docx = b"PK\x03\x04....[Content_Types].xml....word/document.xml";
        assert_eq!(l.check(docx, 100), Ok(DOCX));
        // A zip that is not a Word file, and an executable, are refused.
        let zip = l.check(b"PK\x03\x04....data.csv", 100).unwrap_err();
        assert!(zip.starts_with("zip files may not be uploaded"), "{zip}");
        assert!(zip.contains("storage.allowed_types"), "{zip}");
        let elf = l.check(b"\x7fELF\x02\x01\x01\x00\x00", 9).unwrap_err();
        assert!(elf.contains("unrecognised binary"), "{elf}");
    }

    #[test]
    fn the_size_limit_names_its_setting() {
        let l = Limits {
            max_bytes: 1024 * 1024,
            ..Limits::default()
        };
        assert!(l.check(b"%PDF-", 1024 * 1024).is_ok());
        let e = l.check(b"%PDF-", 1024 * 1024 + 1).unwrap_err();
        assert_eq!(
            e,
            "the file is 1.0 MiB (1,048,577 bytes) and the limit is 1 MiB (1,048,576 bytes; setting \
             storage.max_upload_mb)"
        );
    }

    #[test]
    fn text_cut_inside_a_character_is_still_text() {
        let text = "caf\u{e9}".as_bytes();
        let head = &text[..text.len() - 1];
        assert_eq!(content_type(head, text.len() as u64), "text/plain");
        assert_eq!(
            content_type(head, head.len() as u64),
            "application/octet-stream"
        );
    }
}
