//! A task spawned on a rayon pool panics. Chapter 06 runs this in a process of
//! its own, never in the notebook's kernel: by default the panic ends the
//! whole process.
//!
//!     cargo run -p workbook --example spawn_panic -- default   # aborts
//!     cargo run -p workbook --example spawn_panic -- handler   # carries on

use std::sync::mpsc;
use std::time::Duration;

fn main() {
    let with_handler = match std::env::args().nth(1).as_deref() {
        Some("default") => false,
        Some("handler") => true,
        other => {
            eprintln!("spawn_panic: expected `default` or `handler`, got {other:?}");
            std::process::exit(2);
        }
    };
    // One line per panic instead of the default hook's two.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("[panic: {}]", message(info.payload()))
    }));

    let mut builder = rayon::ThreadPoolBuilder::new().num_threads(2);
    if with_handler {
        builder = builder.panic_handler(|payload| {
            println!("the pool's panic handler got: {}", message(&*payload));
        });
    }
    let pool = builder.build().expect("a pool of 2 threads");
    let (tx, rx) = mpsc::channel();
    for task in 0..4u32 {
        let tx = tx.clone();
        pool.spawn(move || {
            if task == 2 {
                panic!("task 2 blew up");
            }
            tx.send(task).expect("main is waiting");
        });
    }
    drop(tx);
    let mut reported: Vec<u32> = rx.iter().collect();
    reported.sort_unstable();
    // Give an abort, if one is coming, time to happen before main speaks.
    std::thread::sleep(Duration::from_millis(500));
    println!("main carried on; tasks that reported back: {reported:?}");
}

fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(not a text)".to_string())
}
