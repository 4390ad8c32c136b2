//! A child's pipe read on a thread of its own: a chatty child never blocks on
//! a full pipe while its parent waits for it, and reading never outlasts a
//! deadline (a process the child left running may hold the pipe open for
//! ever). Used by the checks' child processes and by `cargo xtask`.

use std::io::Read;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Instant;

/// A pipe being drained; [`Drained::finish`] takes what it gave.
pub struct Drained {
    read: Arc<Mutex<Vec<u8>>>,
    ended: mpsc::Receiver<()>,
}

impl Drained {
    /// Starts reading `pipe` (nothing to read when it is `None`).
    pub fn start(pipe: Option<impl Read + Send + 'static>) -> Drained {
        let read = Arc::new(Mutex::new(Vec::new()));
        let (tx, ended) = mpsc::channel();
        let into = Arc::clone(&read);
        thread::spawn(move || {
            if let Some(mut pipe) = pipe {
                let mut chunk = [0u8; 8192];
                loop {
                    match pipe.read(&mut chunk) {
                        Ok(0) => break,
                        Ok(n) => into
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .extend(&chunk[..n]),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(_) => break,
                    }
                }
            }
            let _ = tx.send(());
        });
        Drained { read, ended }
    }

    /// What was read: all of it once the pipe closes, or what came before
    /// `deadline`, whichever comes first.
    pub fn finish(self, deadline: Instant) -> Vec<u8> {
        let _ = self
            .ended
            .recv_timeout(deadline.saturating_duration_since(Instant::now()));
        std::mem::take(&mut *self.read.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_closed_pipe_gives_everything_and_an_open_one_what_came_by_the_deadline() {
        let all = Drained::start(Some(&b"every byte"[..]));
        assert_eq!(
            all.finish(Instant::now() + Duration::from_secs(5)),
            b"every byte"
        );
        let (reader, mut writer) = std::io::pipe().expect("a pipe");
        std::io::Write::write_all(&mut writer, b"so far").expect("written");
        let open = Drained::start(Some(reader));
        let start = Instant::now();
        let got = open.finish(Instant::now() + Duration::from_millis(200));
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "it waited for the open pipe"
        );
        assert!(b"so far".starts_with(&got), "{got:?}");
        drop(writer);
    }
}
