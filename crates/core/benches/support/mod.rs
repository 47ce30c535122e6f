//! What the benches share: a throwaway store with an account, and feeding
//! it sync responses through the real processing path.

// Each bench includes this module and uses only part of it.
#![allow(dead_code)]

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use matrix_sdk::sync::SyncResponse;
use trellis_core::{
    store::{Store, account::Account},
    sync::process,
};

pub const ME: &str = "@me:bench.test";

/// A fresh store in a temporary directory (removed by the caller) with our
/// account in it, as after a login.
pub async fn temp_store(name: &str) -> (PathBuf, Store) {
    let dir = std::env::temp_dir().join(format!("trellis-{name}-{}", std::process::id()));
    let store = store_at(&dir).await;
    (dir, store)
}

/// The store `bench.db` in `dir` (made, with our account, if missing).
pub async fn store_at(dir: &Path) -> Store {
    std::fs::create_dir_all(dir).expect("store dir");
    let path = dir.join("bench.db");
    let existed = path.is_file();
    let store = Store::open(&path).await.expect("open store");
    if existed {
        return store;
    }
    store
        .put_account(&Account {
            user_id: ME.into(),
            device_id: "BENCH".into(),
            homeserver_url: "http://bench.test".into(),
            keyring_id: "bench".into(),
            next_batch: String::new(),
            displayname: String::new(),
            avatar_url: String::new(),
        })
        .await
        .expect("account");
    store
}

/// Stores one response as the sync loop would, committing `next_batch`
/// with it.
pub async fn ingest(
    store: &Store,
    me: &str,
    resp: &SyncResponse,
    next_batch: &str,
) -> process::Processed {
    let batch = process::Batch {
        since: None,
        next_batch,
        response: resp,
        extras: &HashMap::new(),
        gaps: &HashMap::new(),
    };
    process::process(store, me, batch).await.expect("process")
}

/// The process's peak resident set (VmHWM), in MiB.
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// CPU seconds used so far by each live thread of this process, keyed by
/// "name/tid" (/proc/self/task/*/schedstat). Unlike wall time this does not
/// depend on what else the machine is running.
pub fn thread_cpu_secs() -> std::collections::BTreeMap<String, f64> {
    let mut threads = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return threads;
    };
    for task in tasks.flatten() {
        let read = |file: &str| std::fs::read_to_string(task.path().join(file)).ok();
        let (Some(name), Some(stat)) = (read("comm"), read("schedstat")) else {
            continue;
        };
        let Some(ns) = stat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<f64>().ok())
        else {
            continue;
        };
        let tid = task.file_name().to_string_lossy().into_owned();
        threads.insert(format!("{}/{tid}", name.trim()), ns / 1e9);
    }
    threads
}

/// Prints p50, p95 and the maximum of a list of milliseconds.
pub fn report(what: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what}: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} runs)",
        at(0.5),
        at(0.95),
        at(1.0),
        ms.len()
    );
}
