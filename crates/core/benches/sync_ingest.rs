//! Sync ingest: synthetic responses (1,000 rooms × 50 events of messages,
//! state, reactions and edits) through the real processing path into a
//! fresh store. Prints events per second and the process's peak RSS, and
//! the CPU time of SQLite's writer thread: every write passes through it,
//! so events / that time is the rate with a machine to ourselves, a figure
//! that stays put when other work shares the cores and wall time does not.
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
    // "sqlx-sqlite-worker-N" (cut short by the kernel); the busiest is the writer.
    let writer = support::thread_cpu_secs()
        .into_iter()
        .filter(|(name, _)| name.starts_with("sqlx-sqlite"))
        .map(|(name, secs)| secs - cpu_before.get(&name).copied().unwrap_or(0.0))
        .fold(0f64, f64::max);
    println!(
        "SQLite writer thread: {writer:.2} s of CPU = {:.0} events per CPU second",
        total_events as f64 / writer
    );
    std::fs::remove_dir_all(&dir).ok();
}
