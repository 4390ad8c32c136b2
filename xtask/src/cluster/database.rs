//! MariaDB for slurmdbd, so that `sacct` answers as on a real site: its data
//! folder in the state folder, bound to 127.0.0.1, and a `slurm` account
//! whose random password is kept mode 0600 in `etc/`.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::config::Ports;
use super::layout::Layout;
use crate::child::{self, SECOND};
use crate::platform;

/// The folder for mariadbd's socket and pid file (it runs as user mysql).
pub fn run_dir(layout: &Layout) -> PathBuf {
    layout.run().join("mariadb")
}

/// mariadbd's log, made by [`ensure_installed`] for user mysql.
pub fn log_file(layout: &Layout) -> PathBuf {
    layout.log().join("mariadbd.log")
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
        .arg(format!("--log-error={}", log_file(layout).display()))
        // slurmdbd asks for these (it warns at every start otherwise).
        .args([
            "--innodb-buffer-pool-size=256M",
            "--innodb-lock-wait-timeout=900",
        ]);
    cmd
}

/// Creates the data folder once (`mariadb-install-db`), owned by mysql, and
/// mariadbd's log: it runs as mysql, and cannot create a file in `log/`.
pub fn ensure_installed(layout: &Layout) -> Result<String> {
    for dir in [layout.db(), run_dir(layout)] {
        fs::create_dir_all(&dir)?;
        chown(&dir, "mysql")?;
    }
    let log = log_file(layout);
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .with_context(|| format!("could not create {}", log.display()))?;
    chown(&log, "mysql")?;
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
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the operating system gave no random bytes: {e}"))?;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let password: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    let mut out = platform::private_file()
        .write(true)
        .create_new(true)
        .open(&file)
        .with_context(|| format!("could not create {}", file.display()))?;
    writeln!(out, "{password}")?;
    Ok(password)
}

/// Creates (or updates) the `slurm` account, allowed from 127.0.0.1 only,
/// unless it already logs in with `password`. The password never goes on a
/// command line, which every local user may read: the login check reads it
/// from a file of mode 0600, and the SQL that sets it goes on standard input.
pub fn ensure_account(layout: &Layout, password: &str) -> Result<String> {
    if logs_in(layout, password)? {
        return Ok("database account slurm@127.0.0.1: already in place".into());
    }
    let sql = format!(
        "CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '{password}';
         ALTER USER 'slurm'@'127.0.0.1' IDENTIFIED BY '{password}';
         GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';"
    );
    let mut client = Command::new("mariadb");
    client
        .args(["--no-defaults", "-u", "root"])
        .arg(format!("--socket={}", socket(layout).display()));
    let out = child::output_with_input(&mut client, sql.as_bytes(), 30 * SECOND)?;
    if !out.status.success() {
        bail!(
            "could not create the database account: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok("database account slurm@127.0.0.1: ready".into())
}

/// Whether `slurm` logs in with `password`, as slurmdbd will.
fn logs_in(layout: &Layout, password: &str) -> Result<bool> {
    let options = layout.etc().join("db-client.cnf");
    let text = format!(
        "[client]\nuser=slurm\npassword={password}\nhost=127.0.0.1\nport={}\n",
        Ports::MARIADB
    );
    // Mode 0600 from its creation: the password is never readable by others.
    let mut file = platform::private_file()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&options)
        .with_context(|| format!("could not write {}", options.display()))?;
    platform::set_mode(&options, 0o600)?;
    file.write_all(text.as_bytes())?;
    let out = child::output(
        Command::new("mariadb")
            // Must come first: it replaces every other option file.
            .arg(format!("--defaults-file={}", options.display()))
            .args(["-e", "SELECT 1"]),
        30 * SECOND,
    )?;
    Ok(out.status.success())
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
