//! The terminal: setup and teardown (also on error and panic), the event
//! loop that feeds `app::update`, and frame output.
//!
//! The loop waits on terminal events and worker replies at once, applies
//! everything pending, then draws at most once. Nothing redraws an idle
//! screen; the spinner ticks only while a request is in flight.

use crate::app::{self, Effect, Msg, State};
use crate::db::tls::Tls;
use crate::ui::{self, theme::Theme};
use crate::worker;
use color_eyre::eyre::WrapErr;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream, KeyEventKind,
};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use crossterm::{cursor, execute, queue, terminal};
use futures::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::collections::HashMap;
use std::io::{self, BufWriter, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

mod moves;
mod paint;
mod recent;
mod scroll;
mod sgr;

pub struct TuiOptions {
    pub no_color: bool,
    /// `ui.theme`: a built-in or a file in `config_dir`/themes.
    pub theme: String,
    pub config_dir: Option<std::path::PathBuf>,
    /// `ui.mouse`: capture clicks and the wheel.
    pub mouse: bool,
    /// `ui.copy`: `y` may write OSC 52.
    pub copy: bool,
    /// Action name -> key strings (config `[keys]`), replacing the defaults.
    pub keys: HashMap<String, Vec<String>>,
    /// The connection target with any password masked, for the status line.
    pub connection_label: String,
    /// The same, short (`dana@caseload_demo`).
    pub connection_short: String,
    /// When set, the worker asks the keyring and the person for a password
    /// the server wants (the pool must have been built from these).
    pub credentials: Option<worker::Credentials>,
    /// Where session drafts and the outbox live (per connection target);
    /// `None` keeps nothing on disk.
    pub drafts_dir: Option<std::path::PathBuf>,
    /// The storage settings: what may be uploaded (`storage.max_upload_mb`,
    /// `storage.allowed_types`) and who moves the bytes (`storage.mode`).
    pub storage: crate::config::StorageConfig,
    /// Live refresh and the heartbeat: how, and where to (a typed password
    /// from `credentials` replaces this one's).
    pub live: Option<(worker::live::Settings, crate::config::ConnParams)>,
    /// `database.read_url`: where the reads meant for a standby go.
    pub reads: Option<Arc<worker::read_target::ReadRouter>>,
}

/// Large enough that a full-screen frame never flushes half-way.
const OUTPUT_BUFFER: usize = 1 << 18;

/// Runs the TUI until the user quits. The pool may not have a connection
/// yet: the first frame is painted before the database answers.
/// `tls` is the pool's connector, for cancel requests.
pub async fn run(
    pool: deadpool_postgres::Pool,
    tls: Tls,
    opts: TuiOptions,
) -> color_eyre::Result<()> {
    let env = |k: &str| std::env::var(k).ok();
    let mut state = State::new(app::Options {
        keys: opts.keys,
        connection_label: opts.connection_label,
        connection_short: opts.connection_short,
        copy_off: !opts.copy,
        clipboard_note: crate::storage::clipboard::support_note(&env),
    });
    let recent = opts.drafts_dir.as_deref().map(recent::path);
    if let Some(p) = &recent {
        state.recent = recent::load(p);
    }
    // Ids for rows created from forms; update() itself draws no randomness.
    state.ids.seed = rand::random();
    let (theme, problem) = Theme::load(&opts.theme, opts.config_dir.as_deref(), opts.no_color);
    if let Some(p) = problem {
        state.message = Some((app::Level::Error, p));
    }
    let mut looks = Looks {
        theme,
        config_dir: opts.config_dir,
        no_color: opts.no_color,
    };
    install_panic_hook();
    let release = Arc::new(AtomicBool::new(false));
    // Before `enter`, so that a half-done setup is undone too.
    let guard = Restore;
    let term = enter(release.clone(), opts.mouse).wrap_err("setting up the terminal")?;
    let mut screen = Screen {
        term,
        release,
        last: None,
        last_rows: Vec::new(),
        resizes: true,
        painter: paint::Term::default(),
        cursor: TextCursor::default(),
        hits: Vec::new(),
    };
    let out = Output {
        passthrough: crate::storage::clipboard::Passthrough::from_env(&env),
        copy: opts.copy,
    };
    let mut w = worker::Worker::new(pool, tls).with_storage(&opts.storage);
    if let Some(creds) = opts.credentials {
        w = w.with_credentials(creds);
    }
    if let Some((settings, params)) = opts.live {
        w = w.with_live(settings, params);
    }
    if let Some(reads) = opts.reads {
        w = w.with_reads(reads);
    }
    if let Some(dir) = &opts.drafts_dir {
        match crate::drafts::DraftStore::open(dir) {
            Ok(store) => w = w.with_drafts(Arc::new(store)),
            Err(e) => {
                state.message = Some((
                    app::Level::Error,
                    format!(
                        "session notes cannot be kept on this machine ({}: {e}): unsaved text is lost on a crash",
                        dir.display()
                    ),
                ));
            }
        }
    }
    let at_exit = w.clone();
    let result = event_loop(&mut screen, &mut state, &mut looks, w, out).await;
    if let Some(p) = &recent
        && let Err(e) = recent::save(p, &state.recent)
    {
        tracing::warn!("palette's recent picks not kept: {e}");
    }
    // Whatever was typed last reaches the disk before the process ends.
    let _ = tokio::time::timeout(Duration::from_secs(3), at_exit.flush_drafts()).await;
    drop(guard);
    result
}

type Term<W> = Terminal<CrosstermBackend<FrameWriter<W>>>;

/// Buffers a whole frame; ratatui's mid-frame flush is deferred so that the
/// frame, with its synchronized-update brackets, leaves in one write.
struct FrameWriter<W: Write> {
    inner: BufWriter<W>,
    /// Set only around the one flush that ends a frame.
    release: Arc<AtomicBool>,
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        if self.release.load(Ordering::Relaxed) {
            self.inner.flush()
        } else {
            Ok(())
        }
    }
}

static ACTIVE: AtomicBool = AtomicBool::new(false);

fn enter(release: Arc<AtomicBool>, mouse: bool) -> io::Result<Term<Stdout>> {
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    // Bracketed paste, so a pasted password arrives as one event and not as
    // keys that could trigger bindings.
    execute!(
        out,
        terminal::EnterAlternateScreen,
        cursor::Hide,
        EnableBracketedPaste
    )?;
    // Only when asked: captured, the mouse no longer selects text.
    if mouse {
        execute!(out, EnableMouseCapture)?;
    }
    let writer = FrameWriter {
        inner: BufWriter::with_capacity(OUTPUT_BUFFER, out),
        release,
    };
    Terminal::new(CrosstermBackend::new(writer))
}

/// Puts the terminal back; safe to call more than once, and from the panic
/// hook, because only the first call after `enter` does anything.
fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        // Harmless when it was never enabled; a terminal left capturing
        // the mouse would be unusable for selecting text.
        let _ = execute!(
            out,
            EndSynchronizedUpdate,
            DisableMouseCapture,
            DisableBracketedPaste,
            terminal::LeaveAlternateScreen,
            cursor::Show
        );
        let _ = terminal::disable_raw_mode();
    }
}

/// Restores on every way out of `run`, including `?` returns.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

/// The panic message must land on a normal screen, not inside the alternate
/// one that is about to vanish; the previous hook (color-eyre's, or the
/// default) still prints it.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Frame output exactly as the TUI does it; generic over the writer so that
/// the benchmark can count the bytes a real terminal would receive.
pub struct Screen<W: Write> {
    term: Term<W>,
    release: Arc<AtomicBool>,
    /// What the terminal shows: the last frame sent, and its row
    /// fingerprints.
    last: Option<ratatui::buffer::Buffer>,
    last_rows: Vec<u64>,
    /// Follows the terminal's size (the real one); a fixed screen never
    /// resizes.
    resizes: bool,
    /// The terminal's cursor and pen as the last frame left them.
    painter: paint::Term,
    cursor: TextCursor,
    /// What the mouse can click in the last frame (`ui::hits`).
    hits: Vec<(Rect, ui::hits::Hit)>,
}

/// What goes to the terminal besides frames: OSC 52 for copies.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// tmux's or screen's envelope around OSC 52.
    pub passthrough: crate::storage::clipboard::Passthrough,
    /// `ui.copy`: false writes no OSC 52 at all (update already drops the
    /// effects; this is the last gate).
    pub copy: bool,
}

impl<W: Write> Screen<W> {
    /// A screen of a fixed size over `out`, asking no terminal for its size.
    pub fn fixed(out: W, width: u16, height: u16) -> io::Result<Screen<W>> {
        let release = Arc::new(AtomicBool::new(false));
        let writer = FrameWriter {
            inner: BufWriter::with_capacity(OUTPUT_BUFFER, out),
            release: release.clone(),
        };
        let term = Terminal::with_options(
            CrosstermBackend::new(writer),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
            },
        )?;
        Ok(Screen {
            term,
            release,
            last: None,
            last_rows: Vec::new(),
            resizes: false,
            painter: paint::Term::default(),
            cursor: TextCursor::default(),
            hits: Vec::new(),
        })
    }

    /// The last frame sent, as the terminal now shows it.
    pub fn last_frame(&self) -> Option<&ratatui::buffer::Buffer> {
        self.last.as_ref()
    }

    /// One frame: drawn, diffed against the last, bracketed as a
    /// synchronized update and flushed in one write; a frame that changes
    /// nothing on the screen sends nothing at all.
    /// When rows only moved (the list scrolled), the terminal's scroll
    /// region moves them and the diff sends just what is new.
    pub fn draw(&mut self, state: &State, theme: &Theme) -> io::Result<()> {
        // A new size makes ratatui clear the screen: that clear belongs
        // inside the frame's bracket, or the terminal may show it blank.
        let size = if self.resizes {
            Some(Rect::from(self.term.size()?))
        } else {
            None
        };
        let opened = size.is_some() && size != self.last.as_ref().map(|l| l.area);
        if opened {
            queue!(self.term.backend_mut(), BeginSynchronizedUpdate)?;
        }
        self.term.autoresize()?;
        ui::hits::clear();
        let cursor = ui::render_frame(&mut self.term.get_frame(), state, theme);
        self.hits = ui::hits::take();
        let new = self.term.current_buffer_mut();
        let rows = scroll::row_hashes(new);
        let mut bytes = Vec::new();
        let shown = match self.last.take() {
            Some(last) if last.area == new.area => {
                match scroll::detect_hashed(&last, &self.last_rows, new, &rows) {
                    Some(shift) => {
                        // The rows scrolled in take the pen's background.
                        self.painter.pen_to(sgr::Pen::default(), &mut bytes);
                        bytes.extend_from_slice(scroll::escape(shift).as_bytes());
                        self.painter.at = moves::At::default();
                        scroll::shifted(&last, shift)
                    }
                    None => last,
                }
            }
            // The first frame, or a resize: ratatui has cleared the screen.
            _ => {
                self.painter.at = moves::At::default();
                ratatui::buffer::Buffer::empty(new.area)
            }
        };
        paint::paint(&shown, new, &mut self.painter, &mut bytes);
        self.cursor.place(cursor, &mut self.painter.at, &mut bytes);
        let mut last = shown;
        last.content.clone_from_slice(&new.content);
        self.last = Some(last);
        self.last_rows = rows;
        // The next frame is drawn into a cleared buffer.
        self.term.swap_buffers();
        if bytes.is_empty() && !opened {
            return Ok(());
        }
        let out = self.term.backend_mut();
        if !opened {
            queue!(out, BeginSynchronizedUpdate)?;
        }
        out.write_all(&bytes)?;
        queue!(out, EndSynchronizedUpdate)?;
        self.release.store(true, Ordering::Relaxed);
        let flushed = self.term.backend_mut().flush();
        self.release.store(false, Ordering::Relaxed);
        flushed
    }
}

/// The text cursor (shown where a field is being typed in, hidden
/// elsewhere): sent only when it changes.
#[derive(Debug, Default)]
struct TextCursor {
    /// `None` until the first frame says.
    shown: Option<bool>,
}

impl TextCursor {
    fn place(
        &mut self,
        want: Option<ratatui::layout::Position>,
        at: &mut moves::At,
        out: &mut Vec<u8>,
    ) {
        match want {
            Some(p) => {
                out.extend_from_slice(moves::to(*at, p.x, p.y).as_bytes());
                *at = moves::At::known(p.x, p.y);
                if self.shown != Some(true) {
                    out.extend_from_slice(b"\x1b[?25h");
                }
            }
            None if self.shown != Some(false) => out.extend_from_slice(b"\x1b[?25l"),
            None => {}
        }
        self.shown = Some(want.is_some());
    }
}

/// The theme drawn with, and what `:theme` needs to load another.
struct Looks {
    theme: Theme,
    config_dir: Option<std::path::PathBuf>,
    no_color: bool,
}

impl Looks {
    /// `Effect::Theme`: the theme `name` from the next frame on, or the
    /// current one kept and why.
    fn switch(&mut self, name: &str) -> Msg {
        let outcome = Theme::named(name, self.config_dir.as_deref()).map(|t| {
            self.theme = t.colours(self.no_color);
            if self.no_color {
                app::command::ThemeNote::NoColor
            } else {
                app::command::ThemeNote::Applied
            }
        });
        Msg::ThemeApplied {
            name: name.to_string(),
            outcome,
        }
    }
}

impl Output {
    /// The bytes that put `text` on the clipboard; none when copying is off.
    pub fn clipboard(&self, text: &str) -> Option<String> {
        self.copy
            .then(|| crate::storage::clipboard::sequence(text, self.passthrough))
    }
}

/// Applies `msg`; effects go to the worker, except what is written to the
/// terminal itself (OSC 52 clipboard text), which joins `out` for the next
/// frame's write, and a theme switch, which is the loop's own.
fn apply(
    state: &mut State,
    msg: Msg,
    effects: &UnboundedSender<Effect>,
    out: &mut Vec<u8>,
    how: Output,
    looks: &mut Looks,
) {
    let mut answers = Vec::new();
    for effect in app::update(state, msg) {
        if let Effect::Theme { name } = &effect {
            answers.push(looks.switch(name));
            continue;
        }
        if let Effect::Clipboard { text } = effect {
            if let Some(seq) = how.clipboard(&text) {
                // A link is a credential for a few minutes: not logged.
                tracing::debug!("clipboard: OSC 52 with {} bytes", text.len());
                out.extend_from_slice(seq.as_bytes());
            }
            continue;
        }
        tracing::debug!(?effect, "effect");
        // The worker lives as long as this loop; a send error means it
        // panicked, and the failed request simply never answers.
        if effects.send(effect).is_err() {
            tracing::error!("data worker is gone");
        }
    }
    for msg in answers {
        apply(state, msg, effects, out, how, looks);
    }
}

/// The Msgs for a terminal event, if it matters to the app: a mouse event
/// becomes the keys that do the same, found in the last frame's `hits`.
/// While a layer (help, the palette, a prompt) is over the screen, a click
/// would land on the list beneath it: only the wheel acts then.
fn translate(event: Event, hits: &[(Rect, ui::hits::Hit)], layered: bool) -> Vec<Msg> {
    let hits = if layered { &[][..] } else { hits };
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => vec![Msg::Key(k)],
        Event::Resize(width, height) => vec![Msg::Resize { width, height }],
        Event::Paste(text) => vec![Msg::Paste(crate::config::Password::new(text))],
        Event::Mouse(m) => ui::hits::mouse_keys(&m, hits)
            .into_iter()
            .map(Msg::Key)
            .collect(),
        _ => vec![],
    }
}

async fn event_loop(
    screen: &mut Screen<Stdout>,
    state: &mut State,
    looks: &mut Looks,
    worker: worker::Worker,
    how: Output,
) -> color_eyre::Result<()> {
    let (reply_tx, mut replies) = unbounded_channel();
    let effects = worker::spawn_worker(worker, reply_tx);
    let mut events = EventStream::new();
    let mut closing = Closing::new()?;
    let mut spinner = tokio::time::interval(app::TICK);
    spinner.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let size = screen.term.size()?;
    let mut out = Vec::new();
    apply(
        state,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
        &effects,
        &mut out,
        how,
        looks,
    );
    apply(state, Msg::Start, &effects, &mut out, how, looks);
    screen.draw(state, &looks.theme)?;

    loop {
        let ticking = state.ticking();
        let first = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => translate(event, &screen.hits, layered(state)),
                Some(Err(e)) => return Err(e).wrap_err("reading terminal events"),
                None => return Ok(()),
            },
            Some(msg) = replies.recv() => vec![msg],
            _ = spinner.tick(), if ticking => vec![Msg::Tick],
            // The terminal window closed, or someone asked us to stop: leave
            // as if quitting, so the drafts are written first.
            () = closing.recv() => return Ok(()),
        };
        let mut changed = false;
        for msg in first {
            apply(state, msg, &effects, &mut out, how, looks);
            changed = true;
        }
        // Coalesce: everything already waiting goes into the same frame.
        while let Ok(msg) = replies.try_recv() {
            apply(state, msg, &effects, &mut out, how, looks);
            changed = true;
        }
        while let Some(Some(event)) = ready_now(events.next()).await {
            let event = event.wrap_err("reading terminal events")?;
            for msg in translate(event, &screen.hits, layered(state)) {
                apply(state, msg, &effects, &mut out, how, looks);
                changed = true;
            }
        }
        if state.quit {
            return Ok(());
        }
        if !out.is_empty() {
            // Ahead of the frame, through the same buffered writer.
            screen.term.backend_mut().write_all(&out)?;
            out.clear();
            changed = true;
        }
        if changed {
            screen.draw(state, &looks.theme)?;
        }
    }
}

/// Something is drawn over the top screen's lists.
fn layered(state: &State) -> bool {
    app::route::layer(state) != app::route::Layer::Screen
}

/// SIGHUP (the terminal went away) and SIGTERM: ends the loop like `q`.
struct Closing {
    #[cfg(unix)]
    hangup: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Closing {
    fn new() -> io::Result<Closing> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Closing {
                hangup: signal(SignalKind::hangup())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Closing {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.hangup.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}

/// The caller may spawn `run` on a multi-threaded runtime.
#[allow(dead_code)]
fn run_is_send(pool: deadpool_postgres::Pool, tls: Tls, opts: TuiOptions) {
    fn is_send<T: Send>(_: &T) {}
    is_send(&run(pool, tls, opts));
}

/// The output of `f` if it is ready right now. Polls with this task's own
/// waker: crossterm's EventStream keeps the waker of the poll that found it
/// empty, so polling it with a dummy one (`now_or_never`) would leave the
/// loop deaf to the keyboard.
async fn ready_now<F: std::future::Future>(f: F) -> Option<F::Output> {
    tokio::select! {
        biased;
        v = f => Some(v),
        () = std::future::ready(()) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{Looks, Output};
    use crate::app::{Msg, command::ThemeNote};
    use crate::ui::theme::Theme;

    #[test]
    fn a_theme_switch_takes_effect_at_once_or_keeps_the_theme_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("themes")).unwrap();
        std::fs::write(
            dir.path().join("themes/mine.toml"),
            "base = \"light\"\n[error]\nfg = \"#ff0000\"\n",
        )
        .unwrap();
        let mut looks = Looks {
            theme: Theme::new(false),
            config_dir: Some(dir.path().to_path_buf()),
            no_color: false,
        };
        let outcome = |m: Msg| match m {
            Msg::ThemeApplied { outcome, .. } => outcome,
            other => panic!("{other:?}"),
        };
        assert_eq!(outcome(looks.switch("light")), Ok(ThemeNote::Applied));
        assert_eq!(Some(looks.theme), Theme::builtin("light"));
        assert_eq!(outcome(looks.switch("mine")), Ok(ThemeNote::Applied));
        assert_eq!(
            looks.theme.error.fg,
            Some(ratatui::style::Color::Rgb(255, 0, 0))
        );
        let before = looks.theme;
        let why = outcome(looks.switch("nope")).unwrap_err();
        assert!(why.contains("nope.toml"), "{why}");
        assert_eq!(
            looks.theme, before,
            "a theme that fails keeps the current one"
        );

        let mut plain = Looks {
            no_color: true,
            ..looks
        };
        assert_eq!(
            outcome(plain.switch("high-contrast")),
            Ok(ThemeNote::NoColor)
        );
        assert_eq!(plain.theme.selected.bg, None, "NO_COLOR still wins");
    }
    use crate::storage::clipboard::Passthrough;

    /// What a terminal makes of the bytes: the clipboard it was asked to set.
    #[derive(Default)]
    struct Clipboard(Vec<(Vec<u8>, Vec<u8>)>);

    impl vt100::Callbacks for Clipboard {
        fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8], data: &[u8]) {
            self.0.push((ty.to_vec(), data.to_vec()));
        }
    }

    #[test]
    fn a_copy_reaches_the_terminals_clipboard_and_none_when_off() {
        let on = Output {
            passthrough: Passthrough::None,
            copy: true,
        };
        let bytes = on.clipboard("S1 Last0001, Ann").unwrap();
        assert_eq!(bytes, "\x1b]52;c;UzEgTGFzdDAwMDEsIEFubg==\x07");
        let mut term = vt100::Parser::new_with_callbacks(24, 80, 0, Clipboard::default());
        term.process(bytes.as_bytes());
        assert_eq!(
            term.callbacks().0,
            [(b"c".to_vec(), b"UzEgTGFzdDAwMDEsIEFubg==".to_vec())]
        );
        assert_eq!(term.screen().contents().trim(), "", "nothing drawn");

        let off = Output { copy: false, ..on };
        assert_eq!(off.clipboard("S1 Last0001, Ann"), None);

        let tmux = Output {
            passthrough: Passthrough::Tmux,
            ..on
        };
        assert_eq!(
            tmux.clipboard("S1 Last0001, Ann").unwrap(),
            "\x1b]52;c;UzEgTGFzdDAwMDEsIEFubg==\x07\
             \x1bPtmux;\x1b\x1b]52;c;UzEgTGFzdDAwMDEsIEFubg==\x07\x1b\\"
        );
    }
}
