//! `cargo xtask bench [--quick]`: the Rust workloads beside the Python
//! originals (the `bench` crate), then what a learner waits for: the kernel's
//! warm cell latency and, in the full run, each solved notebook's time.

use std::process::Command;

use crate::setup::Env;

pub fn run(env: &Env, args: &[String]) -> Result<(), String> {
    let quick = match args {
        [] => false,
        [flag] if flag == "--quick" => true,
        _ => return Err("bench takes only --quick".into()),
    };
    let out = env.root.join("target/bench");
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(&env.root)
        .args(["run", "--quiet", "--release", "-p", "bench", "--", "--out"])
        .arg(&out);
    if quick {
        cmd.arg("--quick");
    }
    let status = cmd
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the benchmark failed ({status})"));
    }

    println!("\nkernel: timing trivial warm cells in the Rust kernel");
    let latency = env
        .venv_command("python")
        .arg(env.root.join("xtask/kernel_latency.py"))
        .current_dir(env.root.join("notebooks"))
        .output()
        .map_err(|e| format!("could not run the latency probe: {e}"))?;
    let text = String::from_utf8_lossy(&latency.stdout);
    let median = text
        .split_whitespace()
        .find_map(|w| w.strip_prefix("latency_median=")?.parse::<f64>().ok());
    let mut report = String::new();
    match median {
        Some(m) => {
            let verdict = if m < 1.0 { "met" } else { "MISSED" };
            let slowest = text
                .split_whitespace()
                .find_map(|w| w.strip_prefix("latency_max="))
                .unwrap_or("?");
            println!(
                "  [{verdict}] kernel warm cell latency: median {m:.2} s, slowest {slowest} s (goal: median under 1 s)"
            );
            report.push_str(&format!(
                "| kernel warm cell latency, median | {m:.3} s |\n"
            ));
        }
        None => println!(
            "  kernel latency not measured: {}",
            String::from_utf8_lossy(&latency.stderr)
                .lines()
                .last()
                .unwrap_or("no output")
        ),
    }

    if !quick {
        println!("\nnotebooks: executing every solved notebook, as a learner would wait for it");
        let mut paths: Vec<_> = std::fs::read_dir(env.root.join("notebooks"))
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with("-solved.ipynb"))
            .collect();
        paths.sort();
        let output = env
            .venv_command("python")
            .arg(env.root.join("xtask/nbrun.py"))
            .args(&paths)
            .output()
            .map_err(|e| format!("could not run the notebooks: {e}"))?;
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            println!("  {line}");
            let words: Vec<&str> = line.split_whitespace().collect();
            if let [status, name, .., secs, "s"] = words[..] {
                report.push_str(&format!(
                    "| notebook {name} ({}) | {secs} s |\n",
                    status.trim()
                ));
            }
        }
    }
    let md = out.join("kernel.md");
    let table = format!("| what a learner waits for | time |\n|---|---:|\n{report}");
    std::fs::write(&md, table).map_err(|e| format!("{}: {e}", md.display()))?;
    println!("bench: wrote {}", md.display());
    Ok(())
}
