//! The demo's documents as real files: small valid PDFs, PNGs and text
//! files made from the row alone (id, name, type, a size hint), so the seed
//! can record their byte_size and sha256 and `caseload demo` can put the
//! very same bytes in the embedded store, and downloads work.

use super::check::{StorageError, sdk_message};
use super::sweep::list_objects;
use crate::db::unnamed::Unnamed;
use aws_sdk_s3::primitives::ByteStream;
use futures::StreamExt;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The bytes of a demo document of `content_type` (PDF, PNG, else text).
/// Sizes differ by a filler length taken from the id, so the row alone is
/// enough to make the file again.
pub fn demo_file(id: Uuid, filename: &str, content_type: &str) -> Vec<u8> {
    let b = id.as_bytes();
    let pad = 200 + usize::from(u16::from_be_bytes([b[14], b[15]])) % 3800;
    match content_type {
        "application/pdf" => pdf(id, filename, pad),
        "image/png" => png(id, pad),
        _ => text(id, filename, pad).into_bytes(),
    }
}

fn text(id: Uuid, filename: &str, pad: usize) -> String {
    let mut t = format!(
        "Caseload demo document\nFile: {filename}\nDocument {id}\n\
         Made-up content for the demonstration district; no real student is described.\n"
    );
    let mut line = 1;
    while t.len() < pad {
        t.push_str(&format!(
            "Line {line}: observation notes would be here ({}).\n",
            &id.simple().to_string()[..8]
        ));
        line += 1;
    }
    t
}

/// A one-page PDF showing the text, with a correct cross-reference table.
fn pdf(id: Uuid, filename: &str, pad: usize) -> Vec<u8> {
    // Helvetica's built-in encoding: printable ASCII, the rest as '?'.
    let escape = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '(' | ')' | '\\' => format!("\\{c}"),
                ' '..='~' => c.to_string(),
                _ => "?".into(),
            })
            .collect()
    };
    let mut content = String::from("BT /F1 12 Tf 72 740 Td 16 TL\n");
    for line in text(id, filename, pad).lines().take(44) {
        content.push_str(&format!("({}) Tj T*\n", escape(line)));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
         /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (n, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", n + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A small RGB PNG: a gradient in colours taken from the id. Stored
/// (uncompressed) deflate blocks: valid, and no compressor needed.
fn png(id: Uuid, pad: usize) -> Vec<u8> {
    let seed = id.as_bytes();
    let (w, h) = (32u32, 8 + (pad / 128).min(56) as u32);
    let mut raw = Vec::with_capacity(((w * 3 + 1) * h) as usize);
    for y in 0..h {
        raw.push(0); // filter: none
        for x in 0..w {
            raw.push(seed[0].wrapping_add((x * 7) as u8));
            raw.push(seed[1].wrapping_add((y * 5) as u8));
            raw.push(seed[2] ^ ((x + y) * 3) as u8);
        }
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (n, block) in blocks.iter().enumerate() {
        z.push(u8::from(n + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    z.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", &ihdr[..]), (b"IDAT", &z[..]), (b"IEND", &[][..])] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &x in data {
        crc ^= u32::from(x);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[derive(Debug, Default)]
pub struct DemoFiles {
    /// Document rows in the database.
    pub rows: usize,
    /// Files written now.
    pub written: usize,
    pub bytes_written: u64,
    /// Already in the store (an earlier run).
    pub present: usize,
    /// Rows whose file is missing and was not made by the seed (someone's
    /// upload): left alone.
    pub not_demo: usize,
    pub elapsed: std::time::Duration,
}

/// Puts every seeded document's file that the store lacks; `owner` sees all
/// rows. Only rows whose sha256 matches the generated bytes get a file, so
/// a real upload is never replaced by made-up content.
pub async fn ensure(
    owner: &tokio_postgres::Client,
    s3: &aws_sdk_s3::Client,
    bucket: &str,
) -> Result<DemoFiles, StorageError> {
    let started = std::time::Instant::now();
    let present = list_objects(s3, bucket, "").await?;
    let rows = owner
        .fetch(
            "SELECT id, object_key, filename, content_type, sha256 FROM documents \
             WHERE storage = 's3'",
            &[],
        )
        .await
        .map_err(|e| StorageError::Database(crate::db::migrate::describe_pg_error(&e)))?;
    let mut report = DemoFiles {
        rows: rows.len(),
        ..DemoFiles::default()
    };
    let mut wanted = Vec::new();
    for r in &rows {
        let key: String = r.get(1);
        if present.contains_key(&key) {
            report.present += 1;
            continue;
        }
        let bytes = demo_file(r.get(0), r.get(2), r.get(3));
        if hex::encode(Sha256::digest(&bytes)) != r.get::<_, String>(4) {
            report.not_demo += 1;
            continue;
        }
        wanted.push((key, bytes));
    }
    let results: Vec<Result<u64, String>> = futures::stream::iter(wanted)
        .map(|(key, bytes)| async move {
            let n = bytes.len() as u64;
            s3.put_object()
                .bucket(bucket)
                .key(&key)
                .body(ByteStream::from(bytes))
                .send()
                .await
                .map(|_| n)
                .map_err(|e| format!("{key}: {}", sdk_message(&e)))
        })
        .buffer_unordered(16)
        .collect()
        .await;
    for r in results {
        let n = r.map_err(|message| StorageError::Bucket {
            bucket: bucket.into(),
            message,
        })?;
        report.written += 1;
        report.bytes_written += n;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::upload::sniff_content_type;

    #[test]
    fn demo_files_are_what_their_type_says_and_deterministic() {
        let id = Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0);
        for (ctype, name) in [
            ("application/pdf", "Psych eval (summary) – été.pdf"),
            ("image/png", "Work sample.png"),
            ("text/plain", "Behavior plan v2.txt"),
        ] {
            let a = demo_file(id, name, ctype);
            assert_eq!(a, demo_file(id, name, ctype), "{ctype}");
            assert_ne!(a, demo_file(Uuid::nil(), name, ctype), "{ctype}");
            assert_eq!(sniff_content_type(&a), ctype, "{ctype}");
        }
    }

    #[test]
    fn the_pdf_cross_reference_points_at_its_objects() {
        let pdf = pdf(Uuid::nil(), "a (b) \\ c", 500);
        let text = String::from_utf8(pdf.clone()).expect("ascii");
        let xref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .expect("startxref");
        assert!(text[xref..].starts_with("xref\n0 6\n"));
        for (n, line) in text[xref..].lines().skip(3).take(5).enumerate() {
            let at: usize = line[..10].parse().expect("offset");
            assert!(
                text[at..].starts_with(&format!("{} 0 obj", n + 1)),
                "{line}"
            );
        }
        assert!(text.contains("(File: a \\(b\\) \\\\ c) Tj"));
    }

    #[test]
    fn png_chunks_carry_correct_checksums() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        let p = png(Uuid::nil(), 300);
        assert!(p.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]));
    }
}
