//! What `squeue` and `sacct` say about a job, and what a finished job's
//! state means for the learner.

use std::fmt;

use super::Submitted;

/// The fields read from `sacct -P` (`|` between them), in this order.
pub const SACCT_FIELDS: &str =
    "JobID,JobName,State,ExitCode,Elapsed,ElapsedRaw,AllocCPUS,Timelimit";
/// The columns shown to the learner, as `sacct` prints them.
pub const SACCT_SHOWN: &str = "JobID,JobName,Partition,AllocCPUS,State,ExitCode,Elapsed,Timelimit";

/// A job's accounting record, from `sacct`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Accounting {
    pub id: u64,
    pub name: String,
    /// `COMPLETED`, `FAILED`, `TIMEOUT`, `NODE_FAIL`, `CANCELLED`, ... (the
    /// first word: sacct writes `CANCELLED by 0`).
    pub state: String,
    /// `exit code:signal`, such as `2:0`.
    pub exit_code: String,
    /// As sacct prints it, `00:00:07`.
    pub elapsed: String,
    /// Elapsed wall time in whole seconds (sacct's resolution).
    pub elapsed_s: u64,
    pub cpus: usize,
    pub time_limit: String,
    /// The human-readable `sacct` table (header and the job's line).
    pub table: String,
}

impl Accounting {
    /// Reads the first line of `sacct -X -n -P -o` [`SACCT_FIELDS`].
    pub fn parse(text: &str) -> Option<Accounting> {
        let line = text.lines().find(|l| !l.trim().is_empty())?;
        let f: Vec<&str> = line.trim().split('|').collect();
        let [id, name, state, exit_code, elapsed, raw, cpus, limit] = f[..] else {
            return None;
        };
        Some(Accounting {
            id: id.parse().ok()?,
            name: name.into(),
            state: state.split_whitespace().next().unwrap_or_default().into(),
            exit_code: exit_code.into(),
            elapsed: elapsed.into(),
            elapsed_s: raw.parse().ok()?,
            cpus: cpus.parse().ok()?,
            time_limit: limit.into(),
            table: String::new(),
        })
    }

    /// Whether the job has ended (not pending, running or completing).
    pub fn is_final(&self) -> bool {
        !matches!(
            self.state.as_str(),
            "PENDING" | "RUNNING" | "REQUEUED" | "RESIZING" | "SUSPENDED" | "COMPLETING" | ""
        )
    }
}

/// The `ST` column of job `id` in `squeue`'s default output (`PD`, `R`, `CD`, ...).
pub fn squeue_state(text: &str, id: u64) -> &str {
    let id = id.to_string();
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|w| w.first() == Some(&id.as_str()))
        .and_then(|w| w.get(4).copied())
        .unwrap_or("?")
}

/// Whether a short `squeue` state means the job has ended.
pub fn is_final_short(state: &str) -> bool {
    matches!(
        state,
        "CD" | "CA" | "F" | "TO" | "NF" | "OOM" | "BF" | "DL" | "PR"
    )
}

/// A job that ended: what `squeue` showed as it went, its accounting, its output.
#[derive(Clone, Debug)]
pub struct Finished {
    pub job: Submitted,
    /// `squeue`'s output each time the job's state changed.
    pub squeue: Vec<String>,
    pub accounting: Accounting,
    /// The job's output file (standard output and error), empty if missing.
    pub output: String,
}

impl Finished {
    /// `Ok` for `COMPLETED`; otherwise what happened and why, naming the job.
    pub fn completed(&self) -> Result<&Finished, String> {
        let a = &self.accounting;
        // The name given at submission: sacct writes "allocation" for a job
        // that ended before its start was recorded.
        let job = format!("job {} ({})", self.job.id, self.job.name);
        let why = match a.state.as_str() {
            "COMPLETED" => return Ok(self),
            "FAILED" => format!(
                "the script exited non-zero (exit code {}, as code:signal); its output ends:\n{}",
                a.exit_code,
                tail(&self.output, 6)
            ),
            "TIMEOUT" => format!(
                "it ran past its --time limit of {} (elapsed {}) and was stopped: \
                 ask for more --time, or give it less work",
                a.time_limit, a.elapsed
            ),
            "NODE_FAIL" => "its node stopped answering the controller (slurmd died, or the \
                 machine went down) while it ran: resubmit it once the node is back"
                .to_string(),
            "CANCELLED" => "it was cancelled (scancel, or the cluster was stopped)".to_string(),
            "OUT_OF_MEMORY" => "it used more memory than it asked for (--mem)".to_string(),
            _ => format!("exit code {}", a.exit_code),
        };
        Err(format!("{job} ended {}: {why}", a.state))
    }
}

impl fmt::Display for Finished {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, text) in self.squeue.iter().enumerate() {
            let label = if i == 0 { "" } else { " (again, later)" };
            writeln!(
                f,
                "$ squeue -t all -j {}{label}\n{}",
                self.job.id,
                text.trim_end()
            )?;
        }
        let fields = SACCT_SHOWN;
        writeln!(
            f,
            "$ sacct -X -j {} -o {fields}\n{}",
            self.job.id,
            self.accounting.table.trim_end()
        )?;
        writeln!(
            f,
            "$ cat {}\n{}",
            shown(&self.job.output_file).display(),
            self.output.trim_end()
        )
    }
}

/// A path as seen from the workspace root, where the commands run.
fn shown(path: &std::path::Path) -> &std::path::Path {
    path.strip_prefix(crate::workspace_root()).unwrap_or(path)
}

/// The last `n` non-empty lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return "(nothing)".into();
    }
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sacct_line_is_read_and_judged() {
        let a = Accounting::parse("7|pi|CANCELLED by 0|0:15|00:01:05|65|2|00:01:00\n").unwrap();
        assert_eq!(
            (a.id, a.state.as_str(), a.elapsed_s, a.cpus),
            (7, "CANCELLED", 65, 2)
        );
        assert!(a.is_final());
        let running = Accounting::parse("8|pi|RUNNING|0:0|00:00:01|1|1|00:10:00").unwrap();
        assert!(!running.is_final());
        assert_eq!(Accounting::parse(""), None);
        assert_eq!(Accounting::parse("7|pi|COMPLETED"), None);
    }

    #[test]
    fn the_state_column_of_squeue_is_found_by_job_id() {
        let text = "JOBID PARTITION NAME USER ST TIME NODES NODELIST(REASON)\n\
                    12 debug pi root PD 0:00 1 (None)\n";
        assert_eq!(squeue_state(text, 12), "PD");
        assert_eq!(squeue_state(text, 13), "?");
        assert!(is_final_short("TO") && !is_final_short("R"));
    }

    #[test]
    fn each_failure_names_the_job_its_state_and_the_cause() {
        let finished = |state: &str| Finished {
            job: Submitted {
                id: 9,
                name: "pi".into(),
                command: String::new(),
                answer: String::new(),
                output_file: "pi-9.out".into(),
            },
            squeue: Vec::new(),
            accounting: Accounting {
                id: 9,
                name: "pi".into(),
                state: state.into(),
                exit_code: "2:0".into(),
                time_limit: "00:01:00".into(),
                ..Accounting::default()
            },
            output: "pi: error: invalid value 'lots' for '--throws <N>'\n".into(),
        };
        assert!(finished("COMPLETED").completed().is_ok());
        let failed = finished("FAILED").completed().unwrap_err();
        assert!(failed.starts_with("job 9 (pi) ended FAILED"), "{failed}");
        assert!(
            failed.contains("exit code 2:0") && failed.contains("'lots'"),
            "{failed}"
        );
        let timeout = finished("TIMEOUT").completed().unwrap_err();
        assert!(timeout.contains("--time limit of 00:01:00"), "{timeout}");
        let node = finished("NODE_FAIL").completed().unwrap_err();
        assert!(node.contains("slurmd died"), "{node}");
    }
}
