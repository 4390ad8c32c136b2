use super::*;

fn sh(script: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", script]);
    cmd
}

fn marker(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("workbook-{name}-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn output_and_the_exit_code_are_collected() {
    let ran = Run::new(Duration::from_secs(60))
        .start(&mut sh("echo hi; echo oops >&2; exit 3"))
        .unwrap();
    assert_eq!(ran.stdout_text(), "hi\n");
    assert_eq!(ran.stderr_text(), "oops\n");
    assert!(matches!(ran.ended, Ended::Exited(s) if s.code() == Some(3)));
}

#[test]
fn a_group_past_its_limit_is_stopped_children_included() {
    let marker = marker("group");
    // The shell's child would touch the marker after a second, were it left running.
    let script = format!("(sleep 1; touch '{}') & wait", marker.display());
    let ran = Run::new(Duration::from_millis(200))
        .own_group()
        .start(&mut sh(&script))
        .unwrap();
    assert_eq!(ran.ended, Ended::PastLimit);
    thread::sleep(Duration::from_millis(1500));
    assert!(!marker.exists(), "the shell's child outlived the stop");
}

#[test]
fn a_process_left_running_neither_holds_the_output_nor_survives_it() {
    let marker = marker("left");
    // The shell ends at once; its child holds the pipes for three
    // seconds, then touches the marker.
    let script = format!(
        "read word; (sleep 3; touch '{}') & echo $word",
        marker.display()
    );
    let ran = Run::new(Duration::from_secs(60))
        .input(b"T0KEN\n")
        .own_group()
        .start(&mut sh(&script))
        .unwrap();
    assert_eq!(ran.stdout_text(), "T0KEN\n");
    assert!(
        ran.elapsed < Duration::from_secs(2),
        "it waited {:?} for the process left running",
        ran.elapsed
    );
    thread::sleep(Duration::from_secs(4));
    assert!(
        !marker.exists(),
        "the process left running outlived its run"
    );
}

/// Runs a group past its limit whose shell, asked to stop, would touch a
/// marker first; whether it did.
fn asked_before_it_was_killed(run: Run) -> bool {
    let marker = marker(&format!("asked-{:?}", run.grace));
    let script = format!(
        "trap \"touch '{}'; exit 0\" TERM; sleep 30 & wait",
        marker.display()
    );
    let ran = run.own_group().start(&mut sh(&script)).unwrap();
    assert_eq!(ran.ended, Ended::PastLimit);
    let asked = marker.exists();
    let _ = std::fs::remove_file(marker);
    asked
}

#[test]
fn a_group_asked_to_stop_may_finish_cleanly_first() {
    let run = Run::new(Duration::from_millis(300));
    assert!(
        asked_before_it_was_killed(run),
        "the child was given no chance to end cleanly"
    );
}

#[test]
fn a_group_stopped_without_grace_gets_no_request_first() {
    let run = Run::new(Duration::from_millis(300)).no_grace();
    assert!(
        !asked_before_it_was_killed(run),
        "the child was asked before it was killed"
    );
}

#[test]
fn a_flood_of_output_is_counted_not_kept() {
    let ran = Run::new(Duration::from_secs(60))
        .keep_head(1000)
        .start(&mut sh(
            "head -c 50000000 /dev/zero; echo; echo last; echo e >&2",
        ))
        .unwrap();
    assert_eq!(ran.printed, 50_000_000 + 6 + 2);
    assert_eq!(ran.stdout.len(), 1000 + "\nlast\n".len());
    assert!(ran.stdout.ends_with(b"\nlast\n"));
    assert_eq!(ran.stderr_text(), "e\n");
}

#[test]
fn a_set_flag_stops_the_child() {
    let flag = AtomicBool::new(true);
    let ran = Run::new(Duration::from_secs(60))
        .stop_when(&flag)
        .start(&mut sh("sleep 30"))
        .unwrap();
    assert_eq!(ran.ended, Ended::Interrupted);
    assert!(ran.elapsed < Duration::from_secs(10));
}

#[cfg(target_os = "linux")]
#[test]
fn a_child_made_to_die_with_its_parent_ends_when_the_parent_thread_ends() {
    // The kernel's "parent" is the thread that started the child: its
    // end stands for this process being killed.
    let mut sleeper = thread::spawn(|| {
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        die_with_parent(&mut cmd);
        cmd.spawn().unwrap()
    })
    .join()
    .unwrap();
    let status = wait(&mut sleeper, Duration::from_secs(10))
        .unwrap()
        .unwrap();
    assert_eq!(
        platform::ending_signal(&status),
        platform::terminate_signal()
    );
}

#[test]
fn how_a_child_ended_is_said_in_words() {
    let ran = Run::new(Duration::from_secs(60))
        .start(&mut sh("exit 3"))
        .unwrap();
    let Ended::Exited(status) = ran.ended else {
        panic!("{:?}", ran.ended)
    };
    assert_eq!(ended_how(status), "ended with exit code 3");
    let ran = Run::new(Duration::from_secs(60))
        .start(&mut sh("kill -9 $$"))
        .unwrap();
    let Ended::Exited(status) = ran.ended else {
        panic!("{:?}", ran.ended)
    };
    assert_eq!(ended_how(status), "was killed by signal 9");
}
