//! Where a cluster's controller is (from `slurm.conf`), and how a client
//! says that it could not reach it.

use std::net::{IpAddr, SocketAddr};

/// `SlurmctldHost=name(address)` and `SlurmctldPort=` (6817 by default) of a
/// `slurm.conf`, when the address is a literal IP.
pub fn controller_address(conf: &str) -> Option<SocketAddr> {
    let value = |key: &str| {
        conf.lines()
            .find_map(|l| l.trim().strip_prefix(key)?.strip_prefix('='))
            .map(str::trim)
    };
    let host = value("SlurmctldHost")?;
    let ip: IpAddr = host.split_once('(')?.1.strip_suffix(')')?.parse().ok()?;
    let port = value("SlurmctldPort").map_or(Some(6817), |p| p.parse().ok())?;
    Some(SocketAddr::new(ip, port))
}

/// The client could not reach the controller (or has no configuration).
pub fn unreachable(stderr: &str) -> bool {
    [
        "Unable to contact slurm controller",
        "s_p_parse_file",
        "Connection refused",
    ]
    .iter()
    .any(|m| stderr.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_controller_address_is_read_from_slurm_conf() {
        let conf = "ClusterName=w\nSlurmctldHost=vm(127.0.0.1)\nSlurmctldPort=6999\n";
        assert_eq!(controller_address(conf), "127.0.0.1:6999".parse().ok());
        let default_port = "SlurmctldHost=vm(10.0.0.2)\n";
        assert_eq!(
            controller_address(default_port),
            "10.0.0.2:6817".parse().ok()
        );
        assert_eq!(controller_address("SlurmctldHost=login1\n"), None);
    }

    #[test]
    fn an_unreachable_controller_reads_as_not_up() {
        assert!(unreachable(
            "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)"
        ));
        assert!(!unreachable("sbatch: error: invalid partition specified"));
    }
}
