//! MariaDB for slurmdbd, so that `sacct` answers as on a real site: its data
//! folder in the state folder, bound to 127.0.0.1, and a `slurm` account
//! whose random password is kept mode 0600 in `etc/`.

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::Layout;
use super::config::Ports;
use crate::child::{self, SECOND};

/// The folder for mariadbd's socket and pid file (it runs as user mysql).
pub fn run_dir(layout: &Layout) -> PathBuf {
    layout.run().join("mariadb")
}

fn socket(layout: &Layout) -> PathBuf {
    run_dir(layout).join("mariadbd.sock")
}

/// mariadbd in the foreground (it does not fork; `up` leaves it running).
pub fn server_command(layout: &Layout) -> Command {
    let mut cmd = Command::new("mariadbd");
    cmd.args(["--no-defaults", "--user=mysql", "--skip-name-resolve"])
        .arg("--bind-address=127.0.0.1")
        .arg(format!("--port={}", Ports::MARIADB))
        .arg(format!("--datadir={}", layout.db().display()))
        .arg(format!("--socket={}", socket(layout).display()))
        .arg(format!(
            "--pid-file={}",
            run_dir(layout).join("mariadbd.pid").display()
        ))
        .arg(format!(
            "--log-error={}",
            layout.log().join("mariadbd.log").display()
        ))
        // slurmdbd asks for these (it warns at every start otherwise).
        .args([
            "--innodb-buffer-pool-size=256M",
            "--innodb-lock-wait-timeout=900",
        ]);
    cmd
}

/// Creates the data folder once (`mariadb-install-db`), owned by mysql.
pub fn ensure_installed(layout: &Layout) -> Result<String> {
    for dir in [layout.db(), run_dir(layout)] {
        fs::create_dir_all(&dir)?;
        chown(&dir, "mysql")?;
    }
    if layout.db().join("mysql").is_dir() {
        return Ok("database: already created".into());
    }
    let out = child::output(
        Command::new("mariadb-install-db")
            .args(["--no-defaults", "--user=mysql", "--skip-test-db"])
            .arg("--auth-root-authentication-method=socket")
            .arg(format!("--datadir={}", layout.db().display())),
        120 * SECOND,
    )?;
    if !out.status.success() {
        bail!(
            "mariadb-install-db failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(format!("database: created in {}", layout.db().display()))
}

/// The `slurm` account's password: made once, random, readable by root only.
pub fn password(layout: &Layout) -> Result<String> {
    let file = layout.etc().join("db-password");
    if let Ok(text) = fs::read_to_string(&file)
        && !text.trim().is_empty()
    {
        return Ok(text.trim().to_string());
    }
    let mut bytes = [0u8; 24];
    fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let password: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    let mut out = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&file)
        .with_context(|| format!("could not create {}", file.display()))?;
    writeln!(out, "{password}")?;
    Ok(password)
}

/// Creates (or updates) the `slurm` account, allowed from 127.0.0.1 only.
pub fn ensure_account(layout: &Layout, password: &str) -> Result<String> {
    let sql = format!(
        "CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '{password}';
         ALTER USER 'slurm'@'127.0.0.1' IDENTIFIED BY '{password}';
         GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';"
    );
    let out = child::output(
        Command::new("mariadb")
            .args(["--no-defaults", "-u", "root"])
            .arg(format!("--socket={}", socket(layout).display()))
            .args(["-e", &sql]),
        30 * SECOND,
    )?;
    if !out.status.success() {
        bail!(
            "could not create the database account: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok("database account slurm@127.0.0.1: ready".into())
}

/// Gives `path` to `user` (and its group of the same name).
pub fn chown(path: &std::path::Path, user: &str) -> Result<()> {
    child::status(
        Command::new("chown")
            .arg(format!("{user}:{user}"))
            .arg(path),
        10 * SECOND,
    )
}
