//! Drive the real caseload binary in a pseudo-terminal and read its screen
//! through a vt100 parser, the way a person sees it. Output is drained
//! continuously on a thread so the child never blocks on a full pty.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Pty {
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote, for counting frames and escape sequences.
    raw: Arc<Mutex<Vec<u8>>>,
    /// Keeps XDG_STATE_HOME/XDG_CONFIG_HOME private to this run.
    home: tempfile::TempDir,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Pty {
    /// Start caseload with `args` and `env` in a `cols`×`rows` terminal, with
    /// its own empty config and state directories.
    pub fn spawn(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Pty {
        let home = tempfile::tempdir().expect("tempdir");
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_caseload"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("XDG_STATE_HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path());
        cmd.env_remove("CASELOAD_CONFIG");
        cmd.env_remove("NO_COLOR");
        cmd.env(caseload::clock::TODAY_VAR, super::today().to_string());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn caseload");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut parser) = p.lock() {
                    parser.process(&buf[..n]);
                }
                if let Ok(mut raw) = r.lock() {
                    raw.extend_from_slice(&buf[..n]);
                }
            }
        });
        Pty {
            parser,
            raw,
            home,
            writer,
            child,
            _master: pair.master,
        }
    }

    pub fn screen(&self) -> String {
        self.parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    /// Wait until every needle is on screen and the screen has settled (two
    /// identical reads in a row); panic with the screen if it never happens.
    pub fn wait_for(&mut self, needles: &[&str], timeout: Duration) -> String {
        let what = format!("{needles:?}");
        self.wait_until(&what, timeout, |now| {
            needles.iter().all(|n| now.contains(n))
        })
    }

    /// Wait until `ok` holds for the screen and the screen has settled (two
    /// identical reads in a row); panic with `what` and the screen if it
    /// never happens, or if caseload exits first.
    pub fn wait_until(
        &mut self,
        what: &str,
        timeout: Duration,
        ok: impl Fn(&str) -> bool,
    ) -> String {
        let start = Instant::now();
        let mut last = String::new();
        loop {
            let now = self.screen();
            if ok(&now) && now == last {
                return now;
            }
            if start.elapsed() > timeout {
                panic!("timed out waiting for {what}; screen was:\n{now}");
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("caseload exited ({status:?}) before showing {what}; screen was:\n{now}");
            }
            last = now;
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The text of the highlighted row: the first below the title bar that
    /// starts in reverse video (the selected row of a list).
    pub fn selected_line(&self) -> Option<String> {
        let parser = self.parser.lock().ok()?;
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        let line = (1..rows).find(|&r| screen.cell(r, 0).is_some_and(|c| c.inverse()))?;
        screen.rows(0, cols).nth(usize::from(line))
    }

    /// Wait until the highlighted row holds every needle.
    pub fn wait_selected(&mut self, needles: &[&str], timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let line = self.selected_line().unwrap_or_default();
            if needles.iter().all(|n| line.contains(n)) {
                return line;
            }
            assert!(
                start.elapsed() < timeout,
                "timed out waiting for {needles:?} on the highlighted row; screen was:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The directory caseload got as its config and state home (the log is
    /// `caseload/caseload.log` in it), unless `env` chose another.
    pub fn home(&self) -> &std::path::Path {
        self.home.path()
    }

    /// How many times `needle` appears in everything written so far.
    pub fn count(&self, needle: &[u8]) -> usize {
        let raw = self.raw.lock().map(|r| r.clone()).unwrap_or_default();
        raw.windows(needle.len()).filter(|w| *w == needle).count()
    }

    /// Frames drawn so far: each is wrapped in a synchronized update.
    pub fn frames(&self) -> usize {
        self.count(b"\x1b[?2026h")
    }

    /// Wait for a successful exit and check the terminal was left usable:
    /// main screen, cursor visible, every synchronized update closed.
    pub fn finish(mut self) {
        assert!(
            self.wait_exit(Duration::from_secs(10)),
            "caseload exited with an error"
        );
        std::thread::sleep(Duration::from_millis(100));
        let alternate = self
            .parser
            .lock()
            .map(|p| p.screen().alternate_screen())
            .unwrap_or(true);
        assert!(!alternate, "left in the alternate screen");
        let frames = self.frames();
        assert!(frames >= 1, "frames are wrapped in synchronized updates");
        assert!(
            self.count(b"\x1b[?2026l") >= frames,
            "every synchronized update is closed"
        );
        assert!(self.count(b"\x1b[?25h") >= 1, "cursor shown again");
    }

    pub fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// The child's process id, for killing it the hard way.
    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// SIGKILL the child, as a crash or a closed laptop would end it: no
    /// chance to flush, restore the terminal or say goodbye. Returns once
    /// it is gone.
    pub fn kill_hard(&mut self) {
        self.signal("-9");
    }

    /// Sends the child a signal (`kill` syntax: "-9", "-HUP") and returns
    /// once it is gone.
    pub fn signal(&mut self, sig: &str) {
        let pid = self.pid().expect("the child has a pid");
        let sent = std::process::Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill {sig} {pid} failed");
        let start = Instant::now();
        while !matches!(self.child.try_wait(), Ok(Some(_))) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "caseload outlived kill {sig}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait for the child to exit and return whether it succeeded.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                panic!("caseload did not exit; screen was:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}
