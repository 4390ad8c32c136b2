//! The configuration files: `slurm.conf` from this machine's cores and
//! memory (what `slurmd -C` reports), and `slurmdbd.conf` for accounting.
//! Every address is 127.0.0.1 and every port one of [`Ports`].

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::layout::Layout;
use crate::child::{self, SECOND};

/// The cluster's TCP ports, each bound to 127.0.0.1 only. SLURM's own
/// defaults (6817-6819), and MariaDB next to them rather than on 3306, so
/// that a database the machine already runs is left alone.
pub struct Ports;

impl Ports {
    pub const SLURMCTLD: u16 = 6817;
    pub const SLURMD: u16 = 6818;
    pub const SLURMDBD: u16 = 6819;
    pub const MARIADB: u16 = 6820;
    pub const ALL: [u16; 4] = [Self::SLURMCTLD, Self::SLURMD, Self::SLURMDBD, Self::MARIADB];
}

/// The one node, as `slurmd -C` describes this machine.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// `NodeName=...`: the short host name, which slurmd checks.
    pub name: String,
    pub cpus: usize,
    /// The rest of the line (`CPUs=2 Boards=1 ... RealMemory=24105`), for slurm.conf.
    pub hardware: String,
}

impl Node {
    /// This machine. `slurmd -C` once hung when it inherited a terminal: its
    /// input is /dev/null and its wait is bounded.
    pub fn detect() -> Result<Node> {
        let out = child::output(Command::new("slurmd").arg("-C"), 30 * SECOND)
            .context("`slurmd -C` (what this machine has)")?;
        let text = String::from_utf8_lossy(&out.stdout);
        Node::parse(&text).with_context(|| format!("`slurmd -C` printed {text:?}"))
    }

    /// Reads the first line of `slurmd -C`.
    pub fn parse(text: &str) -> Result<Node> {
        let line = text
            .lines()
            .find(|l| l.starts_with("NodeName="))
            .context("no NodeName= line")?;
        let mut words = line.split_whitespace();
        let name = words
            .next()
            .unwrap_or_default()
            .trim_start_matches("NodeName=")
            .to_string();
        let hardware: Vec<&str> = words.filter(|w| !w.starts_with("UpTime=")).collect();
        let cpus = hardware
            .iter()
            .find_map(|w| w.strip_prefix("CPUs=")?.parse().ok())
            .context("no CPUs= field")?;
        if name.is_empty() || !hardware.iter().any(|w| w.starts_with("RealMemory=")) {
            bail!("no node name or no RealMemory= field");
        }
        Ok(Node {
            name,
            cpus,
            hardware: hardware.join(" "),
        })
    }
}

/// `slurm.conf`: one node, one partition, accounting through slurmdbd.
pub fn slurm_conf(layout: &Layout, node: &Node) -> String {
    let dir = |p: &Path| p.display().to_string();
    let (run, log, spool) = (dir(&layout.run()), dir(&layout.log()), dir(&layout.spool()));
    let munge = dir(&layout.munge_socket());
    format!(
        "# The workbook's one-node cluster (cargo xtask cluster up). Written by `up`: edit the
# generator in xtask/src/cluster/config.rs, not this file.
ClusterName=workbook
SlurmctldHost={name}(127.0.0.1)
SlurmctldPort={ctld}
SlurmdPort={slurmd}
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket={munge}
# Bind every daemon to its configured address (127.0.0.1), never to all of them.
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
ReturnToService=2
# A job asking for more than the node has is refused at once, not left pending forever.
EnforcePartLimits=ALL
# A node whose slurmd stops answering is declared down after 10 s (the default is 5 minutes).
SlurmdTimeout=10
MailProg=/bin/true
StateSaveLocation={spool}/slurmctld
SlurmdSpoolDir={spool}/slurmd
SlurmctldPidFile={run}/slurmctld.pid
SlurmdPidFile={run}/slurmd.pid
SlurmctldLogFile={log}/slurmctld.log
SlurmdLogFile={log}/slurmd.log
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort={dbd}
# For slurmdbd connections this names munged's socket, not a password.
AccountingStoragePass={munge}
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=5
NodeName={name} NodeAddr=127.0.0.1 {hardware} State=UNKNOWN
PartitionName=debug Nodes={name} Default=YES MaxTime=INFINITE State=UP
",
        name = node.name,
        hardware = node.hardware,
        ctld = Ports::SLURMCTLD,
        slurmd = Ports::SLURMD,
        dbd = Ports::SLURMDBD,
    )
}

/// `slurmdbd.conf` (it must be mode 600: it holds the database password).
pub fn slurmdbd_conf(layout: &Layout, password: &str) -> String {
    format!(
        "# Accounting for the workbook's cluster, so that sacct works (written by `up`).
AuthType=auth/munge
AuthInfo=socket={munge}
DbdAddr=127.0.0.1
DbdHost=localhost
DbdPort={dbd}
CommunicationParameters=NoInAddrAny
SlurmUser=root
PidFile={run}/slurmdbd.pid
LogFile={log}/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort={db}
StorageUser=slurm
StoragePass={password}
StorageLoc=slurm_acct_db
",
        munge = layout.munge_socket().display(),
        run = layout.run().display(),
        log = layout.log().display(),
        dbd = Ports::SLURMDBD,
        db = Ports::MARIADB,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLURMD_C: &str = "NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 \
        ThreadsPerCore=1 RealMemory=24105\nUpTime=0-06:52:30\n";

    #[test]
    fn the_node_comes_from_slurmd_c() {
        let node = Node::parse(SLURMD_C).unwrap();
        assert_eq!((node.name.as_str(), node.cpus), ("vm", 2));
        assert!(
            node.hardware.starts_with("CPUs=2 ") && node.hardware.ends_with("RealMemory=24105")
        );
        assert!(Node::parse("slurmd: error: no config").is_err());
        assert!(Node::parse("NodeName=vm Boards=1 RealMemory=1").is_err());
    }

    #[test]
    fn everything_listens_on_loopback_and_lives_in_the_state_folder() {
        let layout = Layout {
            dir: "/x/target/cluster".into(),
        };
        let node = Node::parse(SLURMD_C).unwrap();
        let conf = slurm_conf(&layout, &node);
        assert!(conf.contains("SlurmctldHost=vm(127.0.0.1)"));
        assert!(conf.contains("NodeName=vm NodeAddr=127.0.0.1 CPUs=2 "));
        assert!(conf.contains("NoCtldInAddrAny,NoInAddrAny"));
        let dbd = slurmdbd_conf(&layout, "secret");
        assert!(dbd.contains("DbdAddr=127.0.0.1") && dbd.contains("StoragePass=secret"));
        for text in [&conf, &dbd] {
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                for path in line.split(['=', ' ']).filter(|w| w.starts_with('/')) {
                    let inside = path.starts_with("/x/target/cluster/") || path == "/bin/true";
                    assert!(inside, "{line}");
                }
            }
        }
    }
}
