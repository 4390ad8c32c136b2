//! What a container must grant the cluster, found by running `up` in the
//! workbook's image under podman: root's default capabilities plus
//! SYS_PTRACE, and a host name that resolves to 127.0.0.1. Inside a
//! container that lacks them, `up` says so before it installs anything; on
//! any other machine, it checks the host name the same way.

use std::net::{IpAddr, Ipv4Addr, ToSocketAddrs};

/// What `podman run` (or `docker run`) needs for the cluster inside:
/// SYS_PTRACE, since `up` tells that a daemon answers from its sockets in
/// `/proc/PID/fd`, which root may read for processes of other users (MariaDB
/// runs as `mysql`) only with it; and a name for the container that
/// resolves to 127.0.0.1, since SLURM's daemons listen on the address of
/// the machine's name (`NoInAddrAny`), which is otherwise the container's
/// network address, where the others do not look for them.
pub const CONTAINER_FLAGS: [&str; 3] = [
    "--cap-add=SYS_PTRACE",
    "--hostname=workbook",
    "--add-host=workbook:127.0.0.1",
];

/// Linux's number for CAP_SYS_PTRACE.
const CAP_SYS_PTRACE: u32 = 19;

/// What `up` needs to know of where it runs.
#[derive(Debug)]
pub struct Facts {
    pub in_container: bool,
    /// The capabilities held (`CapEff`); `None` when not known.
    pub capabilities: Option<u64>,
    /// The machine's name and the first IPv4 address it resolves to (SLURM
    /// looks up IPv4 only, unless configured with `EnableIPv6`).
    pub name: Option<(String, Option<IpAddr>)>,
}

impl Facts {
    pub fn here() -> Facts {
        let name = crate::platform::host_name().map(|n| {
            let address = (n.as_str(), 0)
                .to_socket_addrs()
                .ok()
                .and_then(|mut a| a.find(|a| a.is_ipv4()))
                .map(|a| a.ip());
            (n, address)
        });
        Facts {
            in_container: crate::platform::in_container(),
            capabilities: crate::platform::effective_capabilities(),
            name,
        }
    }
}

/// Why the cluster cannot run in this container, and how to start one
/// where it can; `None` outside a container, or when nothing is missing.
pub fn container_lacks(facts: &Facts) -> Option<String> {
    if !facts.in_container {
        return None;
    }
    let mut lacking = Vec::new();
    if facts
        .capabilities
        .is_some_and(|c| c & (1 << CAP_SYS_PTRACE) == 0)
    {
        lacking.push("the SYS_PTRACE capability (to see which daemon listens where)".to_string());
    }
    if let Some(resolved) = name_off_loopback(facts) {
        lacking.push(format!(
            "a host name that resolves to 127.0.0.1 ({resolved})"
        ));
    }
    if lacking.is_empty() {
        return None;
    }
    Some(format!(
        "the SLURM cluster cannot run in this container: it lacks {}. Start the container with \
         `{}` (`cargo xtask container run` does): README, section \"A SLURM cluster on your \
         machine\".",
        lacking.join(", and "),
        CONTAINER_FLAGS.join(" ")
    ))
}

/// Why the cluster cannot run on this machine (not a container: there
/// `container_lacks` says it, with the flags), and how to fix `/etc/hosts`;
/// `None` when the name resolves to 127.0.0.1 or is not known. Debian,
/// Ubuntu and WSL2 map the name to 127.0.1.1, where slurmd and slurmdbd
/// would listen while the others look for them on 127.0.0.1.
pub fn host_name_unusable(facts: &Facts) -> Option<String> {
    if facts.in_container {
        return None;
    }
    let resolved = name_off_loopback(facts)?;
    let (name, _) = facts.name.as_ref()?;
    Some(format!(
        "the SLURM cluster cannot run on this machine: its daemons listen on the address of the \
         machine's name, and {resolved}, not to 127.0.0.1 where they look for each other. \
         Nothing was installed or started. Fix: as root, edit /etc/hosts so that the line for \
         `{name}` reads `127.0.0.1 {name}` (replacing a line such as `127.0.1.1 {name}`), then \
         run `getent hosts {name}` to check. Under WSL2, also add these two lines to \
         /etc/wsl.conf, so that WSL does not rewrite /etc/hosts when it starts: `[network]` and \
         `generateHosts = false`. README, section \"A SLURM cluster on your machine\"."
    ))
}

/// "`name` resolves to ADDRESS" (or "to no IPv4 address") when the machine's name
/// does not resolve to 127.0.0.1, the address the cluster's daemons share.
fn name_off_loopback(facts: &Facts) -> Option<String> {
    match facts.name.as_ref()? {
        (_, Some(address)) if *address == IpAddr::V4(Ipv4Addr::LOCALHOST) => None,
        (name, Some(address)) => Some(format!("`{name}` resolves to {address}")),
        (name, None) => Some(format!("`{name}` resolves to no IPv4 address")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PODMAN_DEFAULT: u64 = 0xa804_25fb; // root's capabilities in `podman run`
    const WITH_PTRACE: u64 = 0xa80c_25fb; // the same with --cap-add=SYS_PTRACE

    fn facts(in_container: bool, capabilities: u64, address: &str) -> Facts {
        Facts {
            in_container,
            capabilities: Some(capabilities),
            name: Some(("f20a75065036".into(), address.parse().ok())),
        }
    }

    #[test]
    fn a_container_without_the_privileges_is_told_how_to_start_one_with_them() {
        let said = container_lacks(&facts(true, PODMAN_DEFAULT, "10.88.0.9")).unwrap();
        assert!(said.contains("the SYS_PTRACE capability"), "{said}");
        assert!(
            said.contains("`f20a75065036` resolves to 10.88.0.9"),
            "{said}"
        );
        assert!(
            said.contains(
                "`--cap-add=SYS_PTRACE --hostname=workbook --add-host=workbook:127.0.0.1`"
            ),
            "{said}"
        );
        assert!(said.contains("README, section \"A SLURM cluster on your machine\""));
        let name_only = container_lacks(&facts(true, WITH_PTRACE, "10.88.0.9")).unwrap();
        assert!(!name_only.contains("SYS_PTRACE capability"), "{name_only}");
        let unresolved = container_lacks(&facts(true, WITH_PTRACE, "not an address")).unwrap();
        assert!(
            unresolved.contains("resolves to no IPv4 address"),
            "{unresolved}"
        );
    }

    fn nothing_known(in_container: bool) -> Facts {
        Facts {
            in_container,
            capabilities: None,
            name: None,
        }
    }

    #[test]
    fn the_dev_container_is_started_with_the_flags() {
        let file = crate::root().join(".devcontainer/devcontainer.json");
        let text = std::fs::read_to_string(file).unwrap();
        let quoted: Vec<String> = CONTAINER_FLAGS.iter().map(|f| format!("\"{f}\"")).collect();
        assert!(
            text.contains(&format!("\"runArgs\": [{}]", quoted.join(", "))),
            "devcontainer.json's runArgs should be {quoted:?}"
        );
    }

    #[test]
    fn a_container_with_them_and_any_machine_outside_one_go_on() {
        assert_eq!(
            container_lacks(&facts(true, WITH_PTRACE, "127.0.0.1")),
            None
        );
        // Outside a container the machine is the learner's own: `up` runs as it is.
        assert_eq!(
            container_lacks(&facts(false, PODMAN_DEFAULT, "10.88.0.9")),
            None
        );
        let unknown = nothing_known(true);
        assert_eq!(container_lacks(&unknown), None);
    }

    #[test]
    fn a_machine_whose_name_is_on_127_0_1_1_is_told_how_to_fix_etc_hosts() {
        let debian = facts(false, PODMAN_DEFAULT, "127.0.1.1");
        let said = host_name_unusable(&debian).unwrap();
        assert!(
            said.contains("`f20a75065036` resolves to 127.0.1.1"),
            "{said}"
        );
        assert!(said.contains("Nothing was installed or started"), "{said}");
        assert!(said.contains("`127.0.0.1 f20a75065036`"), "{said}");
        assert!(said.contains("/etc/wsl.conf"), "{said}");
        assert!(said.contains("`generateHosts = false`"), "{said}");
        let outside = host_name_unusable(&facts(false, PODMAN_DEFAULT, "192.168.1.20")).unwrap();
        assert!(outside.contains("resolves to 192.168.1.20"), "{outside}");
        let nothing = host_name_unusable(&facts(false, PODMAN_DEFAULT, "none")).unwrap();
        assert!(nothing.contains("resolves to no IPv4 address"), "{nothing}");
    }

    #[test]
    fn a_machine_whose_name_is_on_127_0_0_1_or_unknown_goes_on() {
        assert_eq!(
            host_name_unusable(&facts(false, PODMAN_DEFAULT, "127.0.0.1")),
            None
        );
        let unknown = nothing_known(false);
        assert_eq!(host_name_unusable(&unknown), None);
        // In a container, `container_lacks` says it, with the flags that fix it.
        assert_eq!(
            host_name_unusable(&facts(true, WITH_PTRACE, "10.88.0.9")),
            None
        );
    }
}
