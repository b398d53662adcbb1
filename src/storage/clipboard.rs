//! The presigned link to the person's own clipboard over SSH: OSC 52, the
//! terminal escape that asks the terminal (not the remote host) to set its
//! clipboard. The bytes go out through the terminal writer (an Effect),
//! never from update(). Not every terminal honours it, and tmux passes it
//! on only with `set-clipboard`: say so, since nothing comes back to tell.

/// The OSC 52 sequence setting the clipboard to `text`.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// Why the terminal may not take the link, from the environment; `None`
/// when nothing suggests a problem.
pub fn support_note(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if env("TMUX").is_some() {
        return Some(
            "inside tmux the link reaches your clipboard only with `set -g set-clipboard on`"
                .into(),
        );
    }
    match env("TERM").as_deref() {
        Some(t) if t.starts_with("screen") => {
            Some("GNU screen does not pass OSC 52 on: the link may not reach your clipboard".into())
        }
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
    fn tmux_and_plain_consoles_get_a_warning() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let tmux = support_note(&env(&[("TMUX", "/tmp/t"), ("TERM", "tmux-256color")]));
        assert!(tmux.is_some_and(|n| n.contains("set-clipboard")));
        assert!(support_note(&env(&[("TERM", "linux")])).is_some());
        assert_eq!(support_note(&env(&[("TERM", "xterm-256color")])), None);
        assert!(is_remote(&env(&[("SSH_CONNECTION", "1 2 3 4")])));
        assert!(!is_remote(&env(&[("TERM", "xterm")])));
    }
}
