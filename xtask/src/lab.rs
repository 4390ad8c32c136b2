//! `cargo xtask lab`: install what is missing, then serve the notebooks.

use std::net::TcpListener;

use crate::setup;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut headless = false;
    let mut install_only = false;
    let mut port = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--headless" => headless = true,
            "--install-only" => install_only = true,
            "--port" => {
                let value = rest.next().ok_or("--port needs a number")?;
                let n: u16 = value.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                    format!("--port: `{value}` is not a port number (1 to 65535)")
                })?;
                port = Some(n);
            }
            other => {
                return Err(format!(
                    "lab: unknown option `{other}` (try --headless, --port N, --install-only)"
                ));
            }
        }
    }
    let env = setup::ensure_all()?;
    if install_only {
        println!("lab: everything is installed; run `cargo xtask lab` to start JupyterLab");
        return Ok(());
    }
    let port = match port {
        Some(p) => p,
        None => free_port()?,
    };
    let token = random_token()?;
    let url = format!("http://127.0.0.1:{port}/lab?token={token}");
    println!(
        "\nJupyterLab is starting on the workbook: open\n\n    {url}\n\nStop it with Ctrl-C.\n"
    );
    let mut cmd = env.venv_command("jupyter");
    cmd.args([
        "lab",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
    ])
    .arg(format!("--ServerApp.port={port}"))
    .arg(format!("--IdentityProvider.token={token}"))
    .arg(format!(
        "--ServerApp.root_dir={}",
        env.root.join("notebooks").display()
    ));
    if headless {
        cmd.arg("--no-browser");
    }
    if setup::is_root() {
        // Containers and CI machines often run everything as root.
        cmd.arg("--allow-root");
    }
    let status = cmd
        .status()
        .map_err(|e| format!("could not start JupyterLab: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("JupyterLab exited with {status}"))
    }
}

/// 8888 when it is free, else any free port.
fn free_port() -> Result<u16, String> {
    if TcpListener::bind(("127.0.0.1", 8888)).is_ok() {
        return Ok(8888);
    }
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| format!("no free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// 24 random bytes as hex, from the operating system.
fn random_token() -> Result<String, String> {
    use std::io::Read;
    let mut bytes = [0u8; 24];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("could not read /dev/urandom for a token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
