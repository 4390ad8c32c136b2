//! One client command, with a bound on the wait.

use std::process::{Command, Output};
use std::time::Duration;

use crate::process::{Ended, Run};

/// Runs `cmd` and collects its output; past `limit` it is killed and the
/// error says so. A missing program is named, with how to get it.
pub fn output(cmd: &mut Command, limit: Duration) -> Result<Output, String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let ran = Run::new(limit).start(cmd).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!("{}: `{program}` is not installed", super::NOT_UP)
        }
        _ => format!("could not start {program}: {e}"),
    })?;
    match ran.ended {
        Ended::Exited(status) => Ok(Output {
            status,
            stdout: ran.stdout,
            stderr: ran.stderr,
        }),
        Ended::PastLimit | Ended::Interrupted => Err(format!(
            "{program} did not answer within {} s and was stopped",
            limit.as_secs()
        )),
    }
}
