//! Panic output, owned in one place: one hook for the whole process, which
//!
//! - hands a panic to the check it belongs to (a check reports it instead of
//!   printing it: the panic of the check's own thread, and of every thread
//!   the answer started, which inherit the check thread's name);
//! - stays silent on a thread that holds a [`Mute`] guard;
//! - prints everything else, as Rust does or in one quiet line
//!   ([`quiet_lines`], which `sharing::quiet_panics` turns on).
//!
//! Whoever installs it first, the others reuse it: the order of calls no
//! longer matters, and a panic on a thread that is not being checked is
//! never swallowed.

use std::any::Any;
use std::cell::Cell;
use std::marker::PhantomData;
use std::panic::{self, PanicHookInfo};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};
use std::thread;

use crate::os_threads;
use crate::platform::THREAD_NAMES_INHERITED;

/// The message a panic carries: the text of `panic!("...")`, `assert!`,
/// `todo!()` and friends, or `(no message)` for other payloads.
///
/// ```
/// let payload = std::panic::catch_unwind(|| panic!("boom {}", 7)).unwrap_err();
/// assert_eq!(workbook::panics::panic_message(&*payload), "boom 7");
/// // Handing over the box itself works too.
/// assert_eq!(workbook::panics::panic_message(&payload), "boom 7");
/// ```
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(inner) = payload.downcast_ref::<Box<dyn Any + Send>>() {
        panic_message(&**inner)
    } else {
        "(no message)".to_string()
    }
}

/// True for the panic of `todo!()` (and `unimplemented!()`'s sibling text).
pub(crate) fn is_todo(message: &str) -> bool {
    message.starts_with("not yet implemented")
}

/// Silences panic output on this thread until dropped (also when dropped
/// while unwinding). Other threads are not affected.
///
/// ```
/// let quiet = workbook::panics::mute();
/// assert!(std::panic::catch_unwind(|| panic!("not printed")).is_err());
/// drop(quiet); // panics on this thread print again
/// ```
#[must_use = "panics are muted only while the guard lives"]
pub struct Mute {
    // Bound to the thread whose counter it raised.
    _here: PhantomData<*const ()>,
}

thread_local! {
    static MUTED: Cell<usize> = const { Cell::new(0) };
}

/// Mutes panic output on the calling thread; see [`Mute`].
pub fn mute() -> Mute {
    install();
    MUTED.with(|m| m.set(m.get() + 1));
    Mute { _here: PhantomData }
}

impl Drop for Mute {
    fn drop(&mut self) {
        let _ = MUTED.try_with(|m| m.set(m.get().saturating_sub(1)));
    }
}

/// Prints every panic that is not muted or checked in one line,
/// `[panic on thread NAME: message]`, instead of Rust's report.
pub fn quiet_lines() {
    install();
    QUIET.store(true, Ordering::SeqCst);
}

/// One panic a check caught.
#[derive(Clone, Debug)]
pub(crate) struct Caught {
    pub message: String,
    /// `file:line` where it panicked.
    pub file: String,
    pub line: u32,
    /// True when it happened on the check's own thread (not one it started).
    pub on_check_thread: bool,
}

/// While alive, panics of threads named `tag` are recorded, not printed.
pub(crate) struct Capture {
    tag: String,
}

pub(crate) fn capture(tag: &str) -> Capture {
    install();
    lock_captures().push((tag.to_string(), Vec::new()));
    Capture {
        tag: tag.to_string(),
    }
}

impl Capture {
    /// The panics recorded so far, in the order they happened.
    pub fn caught(&self) -> Vec<Caught> {
        lock_captures()
            .iter()
            .find(|(t, _)| *t == self.tag)
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        lock_captures().retain(|(t, _)| *t != self.tag);
    }
}

type Captures = Vec<(String, Vec<Caught>)>;
static CAPTURES: Mutex<Captures> = Mutex::new(Vec::new());
static QUIET: AtomicBool = AtomicBool::new(false);
static INSTALL: Once = Once::new();

fn lock_captures() -> std::sync::MutexGuard<'static, Captures> {
    CAPTURES.lock().unwrap_or_else(|e| e.into_inner())
}

/// Installs the hook, once; the hook found then prints unmuted panics.
fn install() {
    INSTALL.call_once(|| {
        let rust = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if record(info) || MUTED.try_with(Cell::get).unwrap_or(0) > 0 {
                return;
            }
            if QUIET.load(Ordering::SeqCst) {
                let current = thread::current();
                let name = current.name().unwrap_or("unnamed");
                println!(
                    "[panic on thread {name}: {}]",
                    panic_message(info.payload())
                );
            } else {
                rust(info);
            }
        }));
    });
}

/// Hands the panic to the check whose thread (or descendant) this is.
///
/// A `todo!()` on a thread of no check (rayon's global pool runs an
/// answer's tasks on threads it started before) goes to the check running
/// when it is the only one, as in the notebook and in the crates' grades.
fn record(info: &PanicHookInfo<'_>) -> bool {
    let name = os_threads::current_name().unwrap_or_default();
    let message = panic_message(info.payload());
    let mut captures = lock_captures();
    let only = captures.len() == 1 && taken_by_the_only_check(&message, THREAD_NAMES_INHERITED);
    let Some((tag, caught)) = captures
        .iter_mut()
        .enumerate()
        .find(|(i, (t, _))| *t == name || (only && *i == 0))
        .map(|(_, c)| c)
    else {
        return false;
    };
    let (file, line) = info
        .location()
        .map_or((String::new(), 0), |l| (l.file().to_string(), l.line()));
    caught.push(Caught {
        message,
        file,
        line,
        on_check_thread: thread::current().name() == Some(tag.as_str()),
    });
    true
}

/// Whether a panic on a thread no check's name reaches goes to the check
/// running when it is the only one: a `todo!()` always does; anything else
/// only where threads do not inherit names (off Linux), since there the
/// answer's own threads cannot be told by name, and losing the learner's
/// message would be worse than taking a stray panic for theirs.
fn taken_by_the_only_check(message: &str, names_inherited: bool) -> bool {
    is_todo(message) || !names_inherited
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_linux_the_only_check_keeps_its_answers_panic_message() {
        assert!(taken_by_the_only_check("not yet implemented", true));
        assert!(!taken_by_the_only_check("boom", true));
        assert!(taken_by_the_only_check("boom", false));
    }

    #[test]
    fn a_mute_guard_restores_when_dropped_by_unwinding() {
        let depth = || MUTED.with(Cell::get);
        let before = depth();
        let _ = panic::catch_unwind(|| {
            let _quiet = mute();
            assert_eq!(depth(), before + 1);
            panic!("unwinds through the guard");
        });
        assert_eq!(depth(), before);
    }

    #[test]
    fn a_capture_records_only_its_own_threads() {
        let tag = "panics-test-cap";
        let cap = capture(tag);
        let mine = thread::Builder::new()
            .name(tag.into())
            .spawn(|| thread::spawn(|| panic!("boom")).join())
            .unwrap();
        assert!(mine.join().unwrap().is_err());
        let other = thread::spawn(|| panic::catch_unwind(|| panic!("elsewhere")));
        assert!(other.join().unwrap().is_err());
        let caught = cap.caught();
        assert_eq!(caught[0].message, "boom", "{caught:?}");
        assert!(!caught[0].on_check_thread);
        assert!(caught[0].file.ends_with("panics.rs"), "{caught:?}");
        if THREAD_NAMES_INHERITED {
            assert_eq!(caught.len(), 1, "{caught:?}");
            assert!(caught.iter().all(|c| c.message != "elsewhere"));
        }
        drop(cap);
        assert!(lock_captures().iter().all(|(t, _)| t != tag));
    }
}
