//! Batch jobs on a SLURM cluster from a cell or a test: `sbatch`, a bounded
//! watch with `squeue`, the accounting from `sacct`, and the job's output
//! file, with a clear message for every way a job can go wrong.
//!
//! [`Slurm::local`] talks to the one-node cluster that `cargo xtask cluster up`
//! runs on this machine (its state lives in `target/cluster/`).
//!
//! ```
//! // A cluster whose configuration does not exist is "not up", never a panic.
//! let slurm = workbook::slurm::Slurm::with_conf("/no/such/slurm.conf");
//! assert_eq!(slurm.check_up().unwrap_err(), workbook::slurm::NOT_UP);
//! ```

use std::fmt;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod accounting;
mod controller;
mod run;

pub use accounting::{Accounting, Finished};
use controller::{controller_address, unreachable};
use run::output;

/// What to do when the local cluster does not answer: one line.
pub const NOT_UP: &str = "the local cluster is not up: run `cargo xtask cluster up` (as root), \
     then run this again";

/// Every client call is bounded by this: a controller that does not answer
/// in it is not going to.
const CLIENT_LIMIT: Duration = Duration::from_secs(20);

/// The local cluster's state folder: `target/cluster/` (see [`crate::target_dir`]).
pub fn local_state_dir() -> PathBuf {
    crate::target_dir().join("cluster")
}

/// The client side of a SLURM cluster: the commands, pointed at one `slurm.conf`.
#[derive(Clone, Debug)]
pub struct Slurm {
    conf: PathBuf,
}

/// A job `sbatch` accepted.
#[derive(Clone, Debug)]
pub struct Submitted {
    /// The job id.
    pub id: u64,
    /// Its name (`--job-name`, else the script's `#SBATCH --job-name`).
    pub name: String,
    /// The command as a learner would type it (environment variables first).
    pub command: String,
    /// What `sbatch` answered: `Submitted batch job <id>`.
    pub answer: String,
    /// Where the job writes its output (standard output and error).
    pub output_file: PathBuf,
}

impl fmt::Display for Submitted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "$ {}", self.command)?;
        writeln!(f, "{}", self.answer)
    }
}

impl Slurm {
    /// The cluster of `cargo xtask cluster up`, configured in
    /// `target/cluster/etc/slurm.conf`.
    pub fn local() -> Slurm {
        Slurm::with_conf(local_state_dir().join("etc/slurm.conf"))
    }

    /// The cluster configured in `conf` (what `SLURM_CONF` names).
    pub fn with_conf(conf: impl Into<PathBuf>) -> Slurm {
        Slurm { conf: conf.into() }
    }

    /// The `slurm.conf` the commands read.
    pub fn conf(&self) -> &Path {
        &self.conf
    }

    /// A SLURM client command (`sbatch`, `squeue`, ...) that reads our
    /// `slurm.conf`. It runs in the workspace root, where the workbook's
    /// scripts expect to be submitted from (a job starts in that folder).
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("SLURM_CONF", &self.conf)
            .current_dir(crate::workspace_root())
            .stdin(Stdio::null());
        cmd
    }

    /// Runs a client command; a controller that does not answer is [`NOT_UP`].
    fn client(&self, program: &str, args: &[&str]) -> Result<Output, String> {
        let out = output(self.command(program).args(args), CLIENT_LIMIT)?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() && unreachable(&stderr) {
            return Err(NOT_UP.into());
        }
        Ok(out)
    }

    /// `Ok` when the controller answers `squeue`; else [`NOT_UP`] (also when
    /// the configuration or the client tools are missing).
    pub fn check_up(&self) -> Result<(), String> {
        if !self.controller_listens() {
            return Err(NOT_UP.into());
        }
        match self.client("squeue", &["-h", "-o", "%i"]) {
            Ok(out) if out.status.success() => Ok(()),
            _ => Err(NOT_UP.into()),
        }
    }

    /// Whether anything accepts connections at the controller's address. The
    /// client tools retry for about 9 s before they give up on a stopped
    /// controller; a refused connection says the same at once.
    fn controller_listens(&self) -> bool {
        let Ok(text) = std::fs::read_to_string(&self.conf) else {
            return false;
        };
        let Some(addr) = controller_address(&text) else {
            return true; // not a layout we know: let the tools decide
        };
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok()
    }

    /// The CPUs of the cluster's node (the first one `sinfo` lists); [`NOT_UP`]
    /// at once when the controller does not listen.
    pub fn node_cpus(&self) -> Result<usize, String> {
        if !self.controller_listens() {
            return Err(NOT_UP.into());
        }
        let out = self.client("sinfo", &["-h", "-N", "-o", "%c"])?;
        let text = String::from_utf8_lossy(&out.stdout);
        text.split_whitespace()
            .next()
            .and_then(|w| w.parse().ok())
            .ok_or_else(|| format!("sinfo did not say how many CPUs the node has: {text:?}"))
    }

    /// Submits `script` with `options` (`--cpus-per-task=2`, ...) and the
    /// variables `env` added to the job's environment; its output goes to
    /// `out_dir/<job name>-<id>.out`.
    ///
    /// # Errors
    /// [`NOT_UP`]; or `sbatch` refused the job, with its reason (and the
    /// node's CPUs, when the job asked for more than there are).
    pub fn sbatch(
        &self,
        script: &Path,
        options: &[&str],
        env: &[(&str, &str)],
        out_dir: &Path,
    ) -> Result<Submitted, String> {
        if !self.controller_listens() {
            return Err(NOT_UP.into());
        }
        let output_option = format!("--output={}/%x-%j.out", out_dir.display());
        let mut args: Vec<&str> = options.to_vec();
        args.push(&output_option);
        let script_text = script.display().to_string();
        args.push(&script_text);
        let mut cmd = self.command("sbatch");
        cmd.args(&args).envs(env.iter().copied());
        let out = output(&mut cmd, CLIENT_LIMIT)?;
        let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        let id = stdout
            .strip_prefix("Submitted batch job ")
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok());
        let Some(id) = id.filter(|_| out.status.success()) else {
            return Err(self.refusal(&stderr));
        };
        let vars: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v} ")).collect();
        let name = job_name(options, script);
        Ok(Submitted {
            id,
            name: name.clone(),
            // Shown as typed in the workspace root, where it runs.
            command: format!("{}sbatch {}", vars.concat(), args.join(" "))
                .replace(&format!("{}/", crate::workspace_root().display()), ""),
            answer: stdout,
            output_file: out_dir.join(format!("{name}-{id}.out")),
        })
    }

    /// For a notebook cell: submits `script` (a path from the workspace root,
    /// such as `slurm/pi.sbatch`), waits up to five minutes, and prints what
    /// a learner would type and see: the `sbatch` line and its answer,
    /// `squeue` as the job moves, its `sacct` line and its output file. Any
    /// problem (the cluster not up, a refused or failed job) is one message,
    /// printed instead of a panic. The output goes to `target/cluster/jobs/`.
    ///
    /// ```
    /// let slurm = workbook::slurm::Slurm::with_conf("/no/such/slurm.conf");
    /// assert!(slurm.show_job("slurm/pi.sbatch", &[], &[]).is_none());
    /// ```
    pub fn show_job(
        &self,
        script: &str,
        options: &[&str],
        env: &[(&str, &str)],
    ) -> Option<Finished> {
        let script = crate::workspace_root().join(script);
        let out_dir = local_state_dir().join("jobs");
        let finished = self
            .sbatch(&script, options, env, &out_dir)
            .and_then(|job| {
                print!("{job}");
                self.wait(&job, Duration::from_secs(300))
            });
        match finished {
            Ok(done) => {
                print!("{done}");
                if let Err(why) = done.completed() {
                    println!("{why}");
                }
                Some(done)
            }
            Err(why) => {
                println!("{why}");
                None
            }
        }
    }

    /// Why `sbatch` refused a job, in the learner's words.
    fn refusal(&self, stderr: &str) -> String {
        if unreachable(stderr) {
            return NOT_UP.into();
        }
        let said = stderr.lines().last().unwrap_or("no message").trim();
        let too_big = [
            "node configuration is not available",
            "CPU count",
            "More processors requested than permitted",
        ];
        if too_big.iter().any(|m| said.contains(m)) {
            let cpus = self.node_cpus().map_or("?".into(), |c| c.to_string());
            return format!(
                "sbatch refused the job ({said}): it asks for more than the cluster has \
                 (its node has {cpus} CPUs); ask for fewer with --cpus-per-task or --ntasks"
            );
        }
        format!("sbatch refused the job: {said}")
    }

    /// What `squeue` shows for job `id` (all states), header included; `None`
    /// once the controller has forgotten the job.
    pub fn squeue(&self, id: u64) -> Result<Option<String>, String> {
        let out = self.client("squeue", &["-t", "all", "-j", &id.to_string()])?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let listed = text
            .lines()
            .any(|l| l.split_whitespace().next() == Some(&id.to_string()));
        Ok((out.status.success() && listed).then_some(text))
    }

    /// Waits at most `limit` for job `id` to end, then for `sacct` to record
    /// it, and reads its output file. A job still queued or running at the
    /// limit is cancelled, and the error says so.
    pub fn wait(&self, job: &Submitted, limit: Duration) -> Result<Finished, String> {
        let start = Instant::now();
        let mut seen: Vec<String> = Vec::new();
        while let Some(text) = self.squeue(job.id)? {
            let state = accounting::squeue_state(&text, job.id).to_string();
            let new_state =
                seen.last().map(|s| accounting::squeue_state(s, job.id)) != Some(state.as_str());
            if new_state {
                seen.push(text);
            }
            if accounting::is_final_short(&state) {
                break;
            }
            if start.elapsed() > limit {
                let _ = self.client("scancel", &[&job.id.to_string()]);
                return Err(format!(
                    "job {} was still {} after {} s, so it was cancelled (scancel {})",
                    job.id,
                    state,
                    limit.as_secs(),
                    job.id
                ));
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        // The accounting arrives a little after the job ends, and a job that
        // ended at once first shows as a nameless "allocation" with no
        // partition: wait (a few seconds at most) for the whole record.
        let ended = Instant::now();
        let accounting = loop {
            match self.sacct(job.id)? {
                Some(a) if a.is_final() && a.name != "allocation" => break a,
                Some(a) if a.is_final() && ended.elapsed() > Duration::from_secs(10) => break a,
                _ if start.elapsed() > limit + Duration::from_secs(30) => {
                    return Err(format!(
                        "job {} ended, but sacct had no final record of it {} s later",
                        job.id,
                        start.elapsed().as_secs()
                    ));
                }
                _ => std::thread::sleep(Duration::from_millis(500)),
            }
        };
        Ok(Finished {
            job: job.clone(),
            squeue: seen,
            output: std::fs::read_to_string(&job.output_file).unwrap_or_default(),
            accounting,
        })
    }

    /// The accounting record of job `id` (the allocation line), once `sacct` has one.
    pub fn sacct(&self, id: u64) -> Result<Option<Accounting>, String> {
        let id = id.to_string();
        let fields = accounting::SACCT_FIELDS;
        let parsable = self.client("sacct", &["-X", "-n", "-P", "-j", &id, "-o", fields])?;
        if !parsable.status.success() {
            let stderr = String::from_utf8_lossy(&parsable.stderr);
            return Err(format!("sacct failed: {}", stderr.trim()));
        }
        let line = String::from_utf8_lossy(&parsable.stdout).into_owned();
        let Some(mut record) = Accounting::parse(&line) else {
            return Ok(None);
        };
        let table = self.client("sacct", &["-X", "-j", &id, "-o", accounting::SACCT_SHOWN])?;
        record.table = String::from_utf8_lossy(&table.stdout).into_owned();
        Ok(Some(record))
    }
}

/// The job's name: `--job-name=` among the options, else the script's `#SBATCH --job-name=`.
fn job_name(options: &[&str], script: &Path) -> String {
    let from_script = std::fs::read_to_string(script).unwrap_or_default();
    let from = |line: &str| line.trim().strip_prefix("--job-name=").map(str::to_string);
    options
        .iter()
        .find_map(|o| from(o))
        .or_else(|| {
            from_script
                .lines()
                .find_map(|l| from(l.trim().strip_prefix("#SBATCH")?))
        })
        .unwrap_or_else(|| {
            let file = script.file_name().unwrap_or_default();
            file.to_string_lossy().into_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_job_name_comes_from_the_options_then_the_script() {
        let script = crate::workspace_root().join("slurm/pi.sbatch");
        assert_eq!(job_name(&[], &script), "pi");
        assert_eq!(job_name(&["--job-name=scaling"], &script), "scaling");
        assert_eq!(job_name(&[], Path::new("/no/such/job.sh")), "job.sh");
    }
}
