//! Who listens where, read from Linux's `/proc/net/tcp{,6}` (the cluster
//! runs on Linux only): the check that every daemon is bound to 127.0.0.1,
//! and that nothing is left listening after `down`.

use std::collections::HashSet;
use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// A listening TCP socket: its address and the kernel's inode for it.
#[derive(Debug, PartialEq)]
struct Listener {
    addr: SocketAddr,
    inode: u64,
}

/// TCP state 0A is LISTEN.
const LISTEN: &str = "0A";

/// Reads the listening sockets of one `/proc/net/tcp`-style table.
fn parse_table(text: &str, v6: bool) -> Vec<Listener> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 10 || f[3] != LISTEN {
                return None;
            }
            let (ip, port) = f[1].split_once(':')?;
            let port = u16::from_str_radix(port, 16).ok()?;
            let ip = if v6 {
                IpAddr::V6(parse_v6(ip)?)
            } else {
                IpAddr::V4(parse_v4(ip)?)
            };
            Some(Listener {
                addr: SocketAddr::new(ip, port),
                inode: f[9].parse().ok()?,
            })
        })
        .collect()
}

/// The kernel writes the address as one host-order (little-endian here) word.
fn parse_v4(hex: &str) -> Option<Ipv4Addr> {
    Some(Ipv4Addr::from(
        u32::from_str_radix(hex, 16).ok()?.swap_bytes(),
    ))
}

fn parse_v6(hex: &str) -> Option<Ipv6Addr> {
    if hex.len() != 32 {
        return None;
    }
    let mut bytes = [0u8; 16];
    for word in 0..4 {
        let w = u32::from_str_radix(&hex[word * 8..word * 8 + 8], 16)
            .ok()?
            .swap_bytes();
        bytes[word * 4..word * 4 + 4].copy_from_slice(&w.to_be_bytes());
    }
    Some(Ipv6Addr::from(bytes))
}

fn all_listeners() -> Vec<Listener> {
    let mut all = Vec::new();
    for (file, v6) in [("/proc/net/tcp", false), ("/proc/net/tcp6", true)] {
        if let Ok(text) = fs::read_to_string(file) {
            all.extend(parse_table(&text, v6));
        }
    }
    all
}

/// The socket inodes process `pid` holds open (`/proc/PID/fd/* -> socket:[N]`).
fn socket_inodes(pid: u32) -> HashSet<u64> {
    let Ok(dir) = fs::read_dir(format!("/proc/{pid}/fd")) else {
        return HashSet::new();
    };
    dir.filter_map(|entry| {
        let target = fs::read_link(entry.ok()?.path()).ok()?;
        let text = target.to_string_lossy().into_owned();
        text.strip_prefix("socket:[")?
            .strip_suffix(']')?
            .parse()
            .ok()
    })
    .collect()
}

/// Whether this process may see `pid`'s open files (not as another user).
pub fn visible(pid: u32) -> bool {
    fs::read_dir(format!("/proc/{pid}/fd")).is_ok()
}

/// The addresses process `pid` listens on.
pub fn listening(pid: u32) -> Vec<SocketAddr> {
    let inodes = socket_inodes(pid);
    all_listeners()
        .into_iter()
        .filter(|l| inodes.contains(&l.inode))
        .map(|l| l.addr)
        .collect()
}

/// Every listening socket on one of `ports`, by any process, as text.
pub fn open_among(ports: &[u16]) -> Vec<String> {
    all_listeners()
        .into_iter()
        .filter(|l| ports.contains(&l.addr.port()))
        .map(|l| l.addr.to_string())
        .collect()
}

/// Who listens on `port`, as "pid N (program)", when this process may see it
/// (its own user's processes; every one for root). Read from `/proc`, so on
/// Linux only: elsewhere, and for another user's process, `None`.
pub fn holder(port: u16) -> Option<String> {
    let inodes: HashSet<u64> = all_listeners()
        .into_iter()
        .filter(|l| l.addr.port() == port)
        .map(|l| l.inode)
        .collect();
    if inodes.is_empty() {
        return None;
    }
    fs::read_dir("/proc").ok()?.find_map(|entry| {
        let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
        if socket_inodes(pid).is_disjoint(&inodes) {
            return None;
        }
        let program = fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        Some(format!("pid {pid} ({})", program.trim()))
    })
}

/// The addresses of `pid` that are not loopback, as text (empty is good).
pub fn exposed(pid: u32) -> Vec<String> {
    listening(pid)
        .into_iter()
        .filter(|a| !a.ip().is_loopback())
        .map(|a| a.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernels_tables_are_read() {
        let v4 = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1AA1 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 81234 1 0
   1: 00000000:1AA2 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 81235 1 0
   2: 0100007F:1AA1 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 81236 1 0";
        let found = parse_table(v4, false);
        assert_eq!(
            found.len(),
            2,
            "the established connection is not a listener"
        );
        assert_eq!(found[0].addr, "127.0.0.1:6817".parse().unwrap());
        assert_eq!(found[0].inode, 81234);
        assert_eq!(found[1].addr, "0.0.0.0:6818".parse().unwrap());
        let v6 = "header\n   0: 00000000000000000000000001000000:1AA3 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 99 1";
        assert_eq!(parse_table(v6, true)[0].addr, "[::1]:6819".parse().unwrap());
    }

    // Reads /proc, which only Linux has.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_socket_this_process_opens_is_seen_listening() {
        let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = socket.local_addr().unwrap();
        assert!(listening(std::process::id()).contains(&addr));
        assert!(exposed(std::process::id()).is_empty());
        assert_eq!(open_among(&[addr.port()]), [addr.to_string()]);
        let me = format!("pid {} (", std::process::id());
        assert!(holder(addr.port()).is_some_and(|h| h.starts_with(&me)));
        drop(socket);
        assert_eq!(holder(addr.port()), None);
        assert!(open_among(&[addr.port()]).is_empty());
    }
}
