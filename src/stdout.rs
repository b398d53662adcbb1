//! What the commands print. `println!` panics when the reader has gone away
//! (`caseload migrate --status | head -3`): Rust ignores SIGPIPE, so the
//! write fails with EPIPE instead of ending the program. [`outln!`] and
//! [`out!`] end caseload then as the pipe would end `cat` (killed by
//! SIGPIPE: status 141 in the shell), quietly. SIGPIPE stays ignored the
//! rest of the time: a server closing a Unix-socket connection must be an
//! error to report, not the end of the program.

use std::io::Write;

/// `println!` for the commands' output.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::stdout::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::stdout::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` for the commands' output.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::stdout::write(format_args!($($arg)*))
    };
}

/// `eprintln!` that ends caseload quietly when no one reads standard error
/// (`2>&1 | head`).
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::stdout::warn(format_args!($($arg)*))
    };
}

/// Writes to standard output now (flushed: the error of a write the reader
/// will never see must come here, not at exit).
pub fn write(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        failed(&e);
    }
}

/// A line on standard error that ends caseload quietly, like [`write`],
/// when no one reads standard error any more.
pub fn warn(args: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    if let Err(e) = err.write_fmt(args).and_then(|()| err.write_all(b"\n")) {
        failed(&e);
    }
}

fn failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        reader_gone();
    }
    // A full disk or a closed descriptor: output is lost, which is worth an
    // error (on stderr, which may still work) and a failed status.
    let _ = writeln!(
        std::io::stderr(),
        "caseload: error: cannot write the output: {e}"
    );
    std::process::exit(1)
}

/// Ends the process as SIGPIPE's default action would.
#[cfg(unix)]
fn reader_gone() -> ! {
    // SAFETY: signal and raise have no memory-safety preconditions; the
    // process is ending here, so restoring SIGPIPE's default disturbs no
    // other code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::raise(libc::SIGPIPE);
    }
    // Only if the signal is blocked: the status a shell gives a tool killed
    // by SIGPIPE.
    std::process::exit(128 + libc::SIGPIPE)
}

#[cfg(not(unix))]
fn reader_gone() -> ! {
    std::process::exit(1)
}
