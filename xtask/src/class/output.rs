//! A job's output, read as it comes and never kept whole: its head, for
//! messages, and its last line, where a check's report ends up even after
//! a flood of output.

use std::io::Read;
use std::thread;

/// How much of each of a job's output streams is kept.
pub const KEPT_OUTPUT: usize = 64 << 10;

pub type Head = thread::JoinHandle<(Vec<u8>, u64)>;

/// Reads `pipe` to its end on a thread, keeping its first [`KEPT_OUTPUT`]
/// bytes and the last report line, and counting the rest.
pub fn keep_head(pipe: Option<impl Read + Send + 'static>) -> Head {
    thread::spawn(move || {
        let Some(mut pipe) = pipe else {
            return (Vec::new(), 0);
        };
        let mut kept = Vec::new();
        let mut tail = Tail::default();
        let mut total = 0u64;
        let mut buf = vec![0u8; 64 << 10];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            total += n as u64;
            let room = KEPT_OUTPUT.saturating_sub(kept.len());
            kept.extend_from_slice(&buf[..n.min(room)]);
            tail.push(&buf[..n]);
        }
        if total as usize > kept.len() {
            kept.extend_from_slice(b"\n");
            kept.extend_from_slice(&tail.last_line());
        }
        (kept, total)
    })
}

/// The last complete line of a stream past its head (at most [`KEPT_OUTPUT`]
/// bytes of it), where a check's report line ends up after a flood of output.
#[derive(Default)]
struct Tail {
    current: Vec<u8>,
    last: Vec<u8>,
}

impl Tail {
    fn push(&mut self, bytes: &[u8]) {
        for line in bytes.split_inclusive(|b| *b == b'\n') {
            if self.current.len() < KEPT_OUTPUT {
                let room = KEPT_OUTPUT - self.current.len();
                self.current
                    .extend_from_slice(&line[..line.len().min(room)]);
            }
            if line.ends_with(b"\n") {
                self.last = std::mem::take(&mut self.current);
            }
        }
    }

    fn last_line(&self) -> Vec<u8> {
        self.last.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_keeps_the_last_whole_line() {
        let mut tail = Tail::default();
        tail.push(b"noise\nmore no");
        tail.push(b"ise\nREPORT {}\npartial");
        assert_eq!(tail.last_line(), b"REPORT {}\n");
    }
}
