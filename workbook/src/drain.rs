//! A child's pipe read on a thread of its own: a chatty child never blocks on
//! a full pipe while its parent waits for it, and reading never outlasts a
//! deadline (a process the child left running may hold the pipe open for
//! ever). With a cap ([`Drained::start`]'s `head`), only the first bytes and
//! the last line are kept and the rest is counted: a child that floods its
//! output (a learner's answer, say) costs no memory. Used by
//! [`crate::process`].

use std::io::Read;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Instant;

/// A pipe being drained; [`Drained::finish`] takes what it gave.
pub struct Drained {
    read: Arc<Mutex<Kept>>,
    ended: mpsc::Receiver<()>,
}

/// What a pipe gave: what was kept, and how many bytes came in all.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub kept: Vec<u8>,
    pub total: u64,
}

impl Drained {
    /// Starts reading `pipe` (nothing to read when it is `None`), keeping
    /// all of it, or with `head` its first `head` bytes and, past them, its
    /// last line (where a program's final word is, after a flood).
    pub fn start(pipe: Option<impl Read + Send + 'static>, head: Option<usize>) -> Drained {
        let read = Arc::new(Mutex::new(Kept::new(head)));
        let (tx, ended) = mpsc::channel();
        let into = Arc::clone(&read);
        thread::spawn(move || {
            if let Some(mut pipe) = pipe {
                // A pipe's whole buffer at a time: a flood is drained in few reads.
                let mut chunk = vec![0u8; 64 << 10];
                loop {
                    match pipe.read(&mut chunk) {
                        Ok(0) => break,
                        Ok(n) => into
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push(&chunk[..n]),
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
    pub fn finish(self, deadline: Instant) -> Output {
        let _ = self
            .ended
            .recv_timeout(deadline.saturating_duration_since(Instant::now()));
        self.read.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// The bytes kept of a pipe so far.
struct Kept {
    head: Vec<u8>,
    /// How much of the start is kept (`usize::MAX`: everything).
    room: usize,
    /// The last line past the head, when there is a cap.
    tail: Option<LastLine>,
    total: u64,
}

impl Kept {
    fn new(head: Option<usize>) -> Kept {
        Kept {
            head: Vec::new(),
            room: head.unwrap_or(usize::MAX),
            tail: head.map(LastLine::new),
            total: 0,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.total += bytes.len() as u64;
        let room = self.room.saturating_sub(self.head.len());
        self.head.extend_from_slice(&bytes[..bytes.len().min(room)]);
        if let Some(tail) = &mut self.tail {
            tail.push(bytes);
        }
    }

    fn take(&mut self) -> Output {
        let mut kept = std::mem::take(&mut self.head);
        if let Some(tail) = &self.tail
            && self.total > kept.len() as u64
        {
            kept.push(b'\n');
            kept.extend_from_slice(&tail.last);
        }
        Output {
            kept,
            total: self.total,
        }
    }
}

/// The last complete line of a stream, at most `most` bytes of it.
struct LastLine {
    most: usize,
    current: Vec<u8>,
    last: Vec<u8>,
}

impl LastLine {
    fn new(most: usize) -> LastLine {
        LastLine {
            most,
            current: Vec::new(),
            last: Vec::new(),
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        for line in bytes.split_inclusive(|b| *b == b'\n') {
            let room = self.most.saturating_sub(self.current.len());
            self.current
                .extend_from_slice(&line[..line.len().min(room)]);
            if line.ends_with(b"\n") {
                self.last = std::mem::take(&mut self.current);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    #[test]
    fn a_closed_pipe_gives_everything_and_an_open_one_what_came_by_the_deadline() {
        let all = Drained::start(Some(&b"every byte"[..]), None);
        assert_eq!(all.finish(soon()).kept, b"every byte");
        let (reader, mut writer) = std::io::pipe().expect("a pipe");
        std::io::Write::write_all(&mut writer, b"so far").expect("written");
        let open = Drained::start(Some(reader), None);
        let start = Instant::now();
        let got = open.finish(Instant::now() + Duration::from_millis(200));
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "it waited for the open pipe"
        );
        assert!(b"so far".starts_with(&got.kept), "{got:?}");
        drop(writer);
    }

    #[test]
    fn a_cap_keeps_the_head_and_the_last_whole_line_and_counts_the_rest() {
        let flood = [&b"head "[..], &[b'x'; 100_000], b"\nREPORT {}\npartial"].concat();
        let got =
            Drained::start(Some(std::io::Cursor::new(flood.clone())), Some(12)).finish(soon());
        assert_eq!(got.total, flood.len() as u64);
        assert_eq!(got.kept, b"head xxxxxxx\nREPORT {}\n");
        let short = Drained::start(Some(&b"short\n"[..]), Some(64)).finish(soon());
        assert_eq!(short.kept, b"short\n", "nothing is added when all fits");
    }
}
