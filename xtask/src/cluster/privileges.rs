//! What a container must grant the cluster, found by running `up` in the
//! workbook's image under podman: root's default capabilities plus
//! SYS_PTRACE, and a host name that resolves to 127.0.0.1. Inside a
//! container that lacks them, `up` says so before it installs anything.

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
    /// The machine's name and the first address it resolves to.
    pub name: Option<(String, Option<IpAddr>)>,
}

impl Facts {
    pub fn here() -> Facts {
        let name = crate::platform::host_name().map(|n| {
            let address = (n.as_str(), 0)
                .to_socket_addrs()
                .ok()
                .and_then(|mut a| a.next())
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
    let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
    match &facts.name {
        Some((_, Some(address))) if *address == loopback => {}
        Some((name, Some(address))) => lacking.push(format!(
            "a host name that resolves to 127.0.0.1 (`{name}` resolves to {address}, where \
             SLURM's daemons would listen)"
        )),
        Some((name, None)) => lacking.push(format!(
            "a host name that resolves to 127.0.0.1 (`{name}` resolves to nothing)"
        )),
        None => {}
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
        assert!(unresolved.contains("resolves to nothing"), "{unresolved}");
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
        let unknown = Facts {
            in_container: true,
            capabilities: None,
            name: None,
        };
        assert_eq!(container_lacks(&unknown), None);
    }
}
