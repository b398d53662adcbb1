//! Text (a presigned link, a student's id and name, a note) to the person's
//! own clipboard over SSH: OSC 52, the
//! terminal escape that asks the terminal (not the remote host) to set its
//! clipboard. The bytes go out through the terminal writer (an Effect),
//! never from update(). Not every terminal honours it, and tmux passes it
//! on only with `set-clipboard`: say so, since nothing comes back to tell.

/// The OSC 52 sequence setting the clipboard to `text`.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// A multiplexer between us and the terminal swallows OSC 52 unless the
/// sequence is wrapped in its passthrough (DCS) envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passthrough {
    None,
    /// `ESC P tmux; … ESC \` with every ESC inside doubled.
    Tmux,
    /// GNU screen: `ESC P … ESC \`, in pieces, since screen cuts a DCS
    /// string longer than 768 bytes.
    Screen,
}

impl Passthrough {
    /// tmux sets TMUX in its panes, GNU screen sets STY; inside both,
    /// tmux is the nearer one.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Passthrough {
        let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
        if set("TMUX") {
            Passthrough::Tmux
        } else if set("STY") {
            Passthrough::Screen
        } else {
            Passthrough::None
        }
    }
}

/// Bytes of each DCS piece for screen: well under its 768-byte limit.
const SCREEN_PIECE: usize = 76;

/// The bytes to write so that the terminal behind `pass` sets its
/// clipboard to `text`.
pub fn sequence(text: &str, pass: Passthrough) -> String {
    let osc = osc52(text);
    match pass {
        Passthrough::None => osc,
        // Plain for tmux's own `set-clipboard on` (it sets a buffer and the
        // outer terminal's clipboard; the cold tryout expected that to be
        // enough), then wrapped for `allow-passthrough on`. tmux's default
        // takes neither; with both on, the same text lands twice.
        Passthrough::Tmux => format!("{osc}\x1bPtmux;{}\x1b\\", osc.replace('\x1b', "\x1b\x1b")),
        Passthrough::Screen => {
            // All ASCII, so byte pieces are character pieces.
            osc.as_bytes()
                .chunks(SCREEN_PIECE)
                .map(|piece| format!("\x1bP{}\x1b\\", String::from_utf8_lossy(piece)))
                .collect()
        }
    }
}

/// Why the terminal may not take the text, from the environment; `None`
/// when nothing suggests a problem.
pub fn support_note(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    match Passthrough::from_env(env) {
        Passthrough::Tmux => {
            return Some("tmux needs `set -g set-clipboard on`".into());
        }
        Passthrough::Screen => return None,
        Passthrough::None => {}
    }
    match env("TERM").as_deref() {
        Some(t) if t.starts_with("screen") => Some(
            "this terminal (TERM=screen…) may not pass OSC 52 on: it may not reach your clipboard"
                .into(),
        ),
        Some("linux") | Some("dumb") | None => Some(
            "this terminal may not support OSC 52: the link may not reach your clipboard".into(),
        ),
        _ => None,
    }
}

/// Running over SSH: a file opened here would open on the server.
pub fn is_remote(env: &dyn Fn(&str) -> Option<String>) -> bool {
    env("SSH_CONNECTION").is_some() || env("SSH_TTY").is_some()
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(
            osc52("https://x/y?a=1"),
            "\x1b]52;c;aHR0cHM6Ly94L3k/YT0x\x07"
        );
    }

    #[test]
    fn tmux_and_screen_get_the_sequence_in_their_passthrough() {
        let plain = sequence("Li, Bo", Passthrough::None);
        assert_eq!(plain, "\x1b]52;c;TGksIEJv\x07");
        assert_eq!(
            sequence("Li, Bo", Passthrough::Tmux),
            "\x1b]52;c;TGksIEJv\x07\x1bPtmux;\x1b\x1b]52;c;TGksIEJv\x07\x1b\\"
        );
        assert_eq!(
            sequence("Li, Bo", Passthrough::Screen),
            "\x1bP\x1b]52;c;TGksIEJv\x07\x1b\\"
        );
        // A long text goes to screen in pieces that each fit its limit and
        // together are the whole sequence.
        let long = "x".repeat(2000);
        let wrapped = sequence(&long, Passthrough::Screen);
        let pieces: Vec<&str> = wrapped.split("\x1b\\").filter(|p| !p.is_empty()).collect();
        assert!(pieces.len() > 30, "{}", pieces.len());
        assert!(
            pieces
                .iter()
                .all(|p| p.starts_with("\x1bP") && p.len() < 768)
        );
        let joined: String = pieces.iter().map(|p| &p[2..]).collect();
        assert_eq!(joined, osc52(&long));
        let env = |k: &str| (k == "STY").then(|| "1234.pts-0.host".to_string());
        assert_eq!(Passthrough::from_env(&env), Passthrough::Screen);
        let env = |k: &str| matches!(k, "STY" | "TMUX").then(|| "x".to_string());
        assert_eq!(Passthrough::from_env(&env), Passthrough::Tmux);
        assert_eq!(Passthrough::from_env(&|_| None), Passthrough::None);
    }

    #[test]
    fn tmux_and_plain_consoles_get_a_warning() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let tmux = support_note(&env(&[("TMUX", "/tmp/t"), ("TERM", "tmux-256color")]));
        assert!(tmux.is_some_and(|n| n.contains("set-clipboard on")));
        assert!(support_note(&env(&[("TERM", "linux")])).is_some());
        assert_eq!(support_note(&env(&[("TERM", "xterm-256color")])), None);
        assert!(is_remote(&env(&[("SSH_CONNECTION", "1 2 3 4")])));
        assert!(!is_remote(&env(&[("TERM", "xterm")])));
    }
}
