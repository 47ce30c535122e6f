//! Sync ingest: synthetic responses (1,000 rooms × 50 events of messages,
//! state, reactions and edits) through the real processing path into a
//! fresh store. Prints events per second and the process's peak RSS, and
//! the CPU time of sqlx's SQLite threads: every write passes through them,
//! one at a time, so events / that time bounds the rate with a machine to
//! ourselves — a figure that moves less than wall time when other work
//! shares the cores.
//!
//! cargo bench -p trellis-core --bench sync_ingest

mod support;

use std::time::Instant;

use trellis_core::sync::synthetic;

const ROOMS: usize = 1_000;
const EVENTS: usize = 50;
const BATCHES: usize = 3;

#[tokio::main]
async fn main() {
    let (dir, store) = support::temp_store("ingest-bench").await;
    let mut total_events = 0usize;
    let mut total_secs = 0f64;
    let cpu_before = support::thread_cpu_secs();
    for batch in 0..BATCHES {
        let resp = synthetic::response(batch, ROOMS, EVENTS);
        let started = Instant::now();
        let out = support::ingest(&store, support::ME, &resp, &resp.next_batch).await;
        let secs = started.elapsed().as_secs_f64();
        let events = ROOMS * EVENTS;
        assert_eq!(out.sync.rooms.len(), ROOMS);
        total_events += events;
        total_secs += secs;
        println!(
            "batch {batch}: {ROOMS} rooms x {EVENTS} events in {secs:.2} s = {:.0} events/s",
            events as f64 / secs
        );
    }
    println!(
        "sync ingest: {total_events} events in {total_secs:.2} s = {:.0} events/s; peak RSS {:.0} MiB",
        total_events as f64 / total_secs,
        support::peak_rss_mib()
    );
    // sqlx runs each SQLite connection on a thread of its own, named
    // "sqlx-sqlite-worker-N" (cut short by the kernel). Successive write
    // transactions may take different connections, but only one writes at
    // a time, so their sum is the time spent writing.
    let writer: f64 = support::thread_cpu_secs()
        .into_iter()
        .filter(|(thread, _)| thread.starts_with("sqlx-sqlite"))
        .map(|(thread, secs)| secs - cpu_before.get(&thread).copied().unwrap_or(0.0))
        .sum();
    println!(
        "SQLite threads: {writer:.2} s of CPU = {:.0} events per CPU second",
        total_events as f64 / writer
    );
    std::fs::remove_dir_all(&dir).ok();
}
