//! COPY ... FROM STDIN text-format encoding, and streaming a buffer of rows
//! to the server in bounded frames.
//!
//! Text format rather than binary: every column type here has a stable text
//! form, and the encoder stays independent of the server's type OIDs.

use bytes::{BufMut, BytesMut};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use futures::SinkExt;
use std::fmt::Write as _;
use uuid::Uuid;

/// Frames sent to the server: big enough to amortise the per-message cost,
/// small enough that the sink never holds much.
pub const FRAME_BYTES: usize = 1 << 20;

/// Appends one COPY text-format row at a time to a byte buffer.
pub struct Rows {
    buf: BytesMut,
    at_row_start: bool,
}

impl Default for Rows {
    fn default() -> Self {
        Self::new()
    }
}

impl Rows {
    pub fn new() -> Rows {
        Rows {
            buf: BytesMut::with_capacity(64 * 1024),
            at_row_start: true,
        }
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Takes the encoded bytes, leaving the buffer empty.
    pub fn take(&mut self) -> BytesMut {
        self.buf.split()
    }

    fn sep(&mut self) {
        if self.at_row_start {
            self.at_row_start = false;
        } else {
            self.buf.put_u8(b'\t');
        }
    }

    pub fn end(&mut self) {
        self.buf.put_u8(b'\n');
        self.at_row_start = true;
    }

    pub fn null(&mut self) -> &mut Self {
        self.sep();
        self.buf.put_slice(b"\\N");
        self
    }

    pub fn text(&mut self, s: &str) -> &mut Self {
        self.sep();
        escape_into(&mut self.buf, s);
        self
    }

    pub fn opt_text(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.text(s),
            None => self.null(),
        }
    }

    pub fn uuid(&mut self, u: Uuid) -> &mut Self {
        self.sep();
        let mut tmp = [0u8; 36];
        self.buf
            .put_slice(u.hyphenated().encode_lower(&mut tmp).as_bytes());
        self
    }

    pub fn opt_uuid(&mut self, u: Option<Uuid>) -> &mut Self {
        match u {
            Some(u) => self.uuid(u),
            None => self.null(),
        }
    }

    pub fn int(&mut self, v: i64) -> &mut Self {
        self.sep();
        let _ = write!(self.buf, "{v}");
        self
    }

    pub fn opt_int(&mut self, v: Option<i64>) -> &mut Self {
        match v {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }

    /// A numeric column, written with at most one decimal so that the same
    /// value always prints the same way.
    pub fn num1(&mut self, v: f64) -> &mut Self {
        self.sep();
        let r = (v * 10.0).round() / 10.0;
        if r.fract() == 0.0 {
            let _ = write!(self.buf, "{}", r as i64);
        } else {
            let _ = write!(self.buf, "{r:.1}");
        }
        self
    }

    pub fn opt_num1(&mut self, v: Option<f64>) -> &mut Self {
        match v {
            Some(v) => self.num1(v),
            None => self.null(),
        }
    }

    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.sep();
        self.buf.put_u8(if v { b't' } else { b'f' });
        self
    }

    pub fn date(&mut self, d: NaiveDate) -> &mut Self {
        self.sep();
        let _ = write!(self.buf, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
        self
    }

    pub fn opt_date(&mut self, d: Option<NaiveDate>) -> &mut Self {
        match d {
            Some(d) => self.date(d),
            None => self.null(),
        }
    }

    pub fn time(&mut self, t: NaiveTime) -> &mut Self {
        self.sep();
        let _ = write!(self.buf, "{:02}:{:02}:00", t.hour(), t.minute());
        self
    }

    pub fn opt_time(&mut self, t: Option<NaiveTime>) -> &mut Self {
        match t {
            Some(t) => self.time(t),
            None => self.null(),
        }
    }

    /// A timestamptz given in UTC; the explicit offset keeps the value
    /// independent of the session's TimeZone setting.
    pub fn ts(&mut self, t: NaiveDateTime) -> &mut Self {
        self.sep();
        let _ = write!(
            self.buf,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}+00",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
        self
    }

    pub fn opt_ts(&mut self, t: Option<NaiveDateTime>) -> &mut Self {
        match t {
            Some(t) => self.ts(t),
            None => self.null(),
        }
    }
}

/// Escapes one value for COPY text format: backslash, and the characters
/// that would otherwise end a field or a row.
pub fn escape_into(buf: &mut BytesMut, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep: &[u8] = match b {
            b'\\' => b"\\\\",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            _ => continue,
        };
        buf.put_slice(&bytes[start..i]);
        buf.put_slice(rep);
        start = i + 1;
    }
    buf.put_slice(&bytes[start..]);
}

/// Escapes into a fresh string; for tests and diagnostics.
pub fn escape(s: &str) -> String {
    let mut b = BytesMut::new();
    escape_into(&mut b, s);
    String::from_utf8_lossy(&b).into_owned()
}

/// Runs one `COPY table (columns) FROM STDIN` with the given rows, in frames
/// of at most FRAME_BYTES. Returns the number of rows the server reports.
pub async fn copy_rows(
    tx: &tokio_postgres::Transaction<'_>,
    table: &str,
    columns: &str,
    rows: &mut Rows,
) -> Result<u64, tokio_postgres::Error> {
    if rows.is_empty() {
        return Ok(0);
    }
    // Table and column names are compile-time constants of this module; no
    // value ever reaches the statement text.
    let stmt = format!("COPY {table} ({columns}) FROM STDIN");
    let sink = tx.copy_in::<_, bytes::Bytes>(&stmt).await?;
    futures::pin_mut!(sink);
    let mut data = rows.take();
    while !data.is_empty() {
        let n = frame_len(&data);
        let frame = data.split_to(n).freeze();
        sink.send(frame).await?;
    }
    sink.finish().await
}

/// Frames end on a row boundary where possible; the protocol does not need
/// it, but it keeps every frame a self-contained piece of the table.
fn frame_len(data: &[u8]) -> usize {
    if data.len() <= FRAME_BYTES {
        return data.len();
    }
    match data[..FRAME_BYTES].iter().rposition(|&b| b == b'\n') {
        Some(p) => p + 1,
        None => FRAME_BYTES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_specials() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape("a\\b"), "a\\\\b");
        assert_eq!(escape("a\tb"), "a\\tb");
        assert_eq!(escape("line1\nline2"), "line1\\nline2");
        assert_eq!(escape("cr\r\n"), "cr\\r\\n");
        assert_eq!(escape("\\N"), "\\\\N");
        assert_eq!(escape("O'Brien \"Nico\""), "O'Brien \"Nico\"");
        assert_eq!(escape("Nguyễn Thị Minh 王"), "Nguyễn Thị Minh 王");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn rows_encode_fields_and_nulls() {
        let mut r = Rows::new();
        let u = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        r.uuid(u)
            .text("a\tb")
            .null()
            .int(-3)
            .bool(true)
            .num1(2.25)
            .num1(4.0);
        r.date(NaiveDate::from_ymd_opt(2025, 3, 7).unwrap());
        r.ts(NaiveDate::from_ymd_opt(2025, 3, 7)
            .unwrap()
            .and_hms_opt(8, 5, 9)
            .unwrap());
        r.end();
        r.opt_text(None).opt_text(Some("x")).end();
        let s = String::from_utf8(r.take().to_vec()).unwrap();
        assert_eq!(
            s,
            "01234567-89ab-cdef-0123-456789abcdef\ta\\tb\t\\N\t-3\tt\t2.3\t4\t2025-03-07\t\
             2025-03-07 08:05:09+00\n\\N\tx\n"
        );
    }

    #[test]
    fn frames_split_on_row_boundaries() {
        let mut data = Vec::new();
        while data.len() < FRAME_BYTES + 10 {
            data.extend_from_slice(b"0123456789abcdef\n");
        }
        let n = frame_len(&data);
        assert!(n <= FRAME_BYTES);
        assert_eq!(data[n - 1], b'\n');
        assert_eq!(frame_len(b"short\n"), 6);
    }
}
