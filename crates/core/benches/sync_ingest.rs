//! Sync ingest: synthetic responses (1,000 rooms × 50 events of messages,
//! state, reactions and edits) through the real processing path into a
//! fresh store. Prints events per second and the process's peak RSS.
//!
//! cargo bench -p trellis-core --bench sync_ingest

use std::{collections::HashMap, time::Instant};

use trellis_core::{
    store::{Store, account::Account},
    sync::{process, synthetic},
};

const ROOMS: usize = 1_000;
const EVENTS: usize = 50;
const BATCHES: usize = 3;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("trellis-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let store = Store::open(&dir.join("bench.db"))
        .await
        .expect("open store");
    let me = "@me:bench.test";
    store
        .put_account(&Account {
            user_id: me.into(),
            device_id: "BENCH".into(),
            homeserver_url: "http://bench.test".into(),
            keyring_id: "bench".into(),
            next_batch: String::new(),
            displayname: String::new(),
            avatar_url: String::new(),
        })
        .await
        .expect("account");

    let none = HashMap::new();
    let mut total_events = 0usize;
    let mut total_secs = 0f64;
    for batch in 0..BATCHES {
        let resp = synthetic::response(batch, ROOMS, EVENTS);
        let started = Instant::now();
        let batch_input = process::Batch {
            since: None,
            next_batch: &resp.next_batch,
            response: &resp,
            extras: &none,
            gaps: &HashMap::new(),
        };
        let out = process::process(&store, me, batch_input)
            .await
            .expect("process");
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
        peak_rss_mib()
    );
    std::fs::remove_dir_all(&dir).ok();
}
