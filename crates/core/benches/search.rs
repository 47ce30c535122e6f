//! `search_local` over a million stored messages: what the index adds to
//! sync ingest, then one- and two-word queries as the handler runs them
//! (match expression, the ranked or newest-first page of 50, the events).
//!
//! Messages are made of words from a 20,000-word vocabulary drawn with a
//! Zipf-like frequency, as natural text is, so common words match hundreds
//! of thousands of events and rare ones a handful; queries draw their words
//! the same way but leave out the 50 most common (stop words nobody searches).
//!
//! cargo bench -p trellis-core --bench search
//!
//! Filling takes minutes; with `TRELLIS_SEARCH_BENCH_STORE=<dir>` the
//! filled store is kept there and the next run only queries it.

mod support;

use std::{ops::Range, time::Instant};

use matrix_sdk::{
    deserialized_responses::TimelineEvent,
    ruma::{OwnedRoomId, serde::Raw},
    sync::{JoinedRoomUpdate, RoomUpdates, SyncResponse, Timeline},
};
use serde_json::json;
use trellis_core::store::{
    Store, event,
    search::{self, Filters, query},
};

const EVENTS: usize = 1_000_000;
const ROOMS: usize = 50;
const PER_RESPONSE: usize = 2_000;
/// Events stored with and without the index to compare ingest.
const INGEST_SAMPLE: usize = 200_000;
const VOCABULARY: usize = 20_000;
const RUNS: usize = 300;
const PAGE: i64 = 50;

/// A small deterministic generator (xorshift), so every run stores the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A word rank in `from..VOCABULARY`, log-uniform (frequency ∝ 1/rank).
    fn rank(&mut self, from: usize) -> usize {
        let (lo, hi) = ((from + 1) as f64, VOCABULARY as f64);
        ((lo * (hi / lo).powf(self.unit())) as usize - 1).min(VOCABULARY - 1)
    }
}

/// Pronounceable distinct words: the rank written in syllables.
fn word(rank: usize) -> String {
    const SYLLABLES: [&str; 24] = [
        "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ba", "de", "fi", "go", "hu", "ja", "ke",
        "li", "mo", "nu", "pa", "re", "si", "to", "ve", "zu",
    ];
    let mut n = rank + SYLLABLES.len();
    let mut w = String::new();
    while n > 0 {
        w.push_str(SYLLABLES[n % SYLLABLES.len()]);
        n /= SYLLABLES.len();
    }
    w
}

fn response(batch: usize, rng: &mut Rng, words: &[String]) -> SyncResponse {
    let per_room = PER_RESPONSE / ROOMS;
    let joined = (0..ROOMS)
        .filter_map(|r| {
            let room_id: OwnedRoomId = format!("!room{r}:bench.test").try_into().ok()?;
            let events = (0..per_room)
                .filter_map(|i| {
                    let n = 5 + (rng.next() % 16) as usize;
                    let body: Vec<&str> = (0..n).map(|_| words[rng.rank(0)].as_str()).collect();
                    let ev = json!({"event_id": format!("$b{batch}r{r}e{i}"),
                        "sender": format!("@user{}:bench.test", (r + i) % 9), "type": "m.room.message",
                        "origin_server_ts": 1_700_000_000_000i64 + (batch * PER_RESPONSE + r * per_room + i) as i64,
                        "content": {"msgtype": "m.text", "body": body.join(" ")}});
                    Raw::from_json_string(ev.to_string()).ok().map(TimelineEvent::from_plaintext)
                })
                .collect();
            let update = JoinedRoomUpdate {
                timeline: Timeline {
                    limited: false,
                    prev_batch: Some(format!("prev{batch}")),
                    events,
                },
                ..Default::default()
            };
            Some((room_id, update))
        })
        .collect();
    SyncResponse {
        next_batch: format!("batch{}", batch + 1),
        rooms: RoomUpdates {
            joined,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Stores the responses `batches`; events per second.
async fn fill(store: &Store, batches: Range<usize>, rng: &mut Rng, words: &[String]) -> f64 {
    let events = batches.len() * PER_RESPONSE;
    let started = Instant::now();
    for batch in batches {
        let resp = response(batch, rng, words);
        support::ingest(store, support::ME, &resp, &resp.next_batch).await;
    }
    events as f64 / started.elapsed().as_secs_f64()
}

/// What `search_local` does for a term; the number of events on the page.
async fn search_local(store: &Store, term: &str, sort_by_time: bool) -> usize {
    let expression = query::match_expression(term, &[], &[])
        .expect("a valid term")
        .expect("words");
    let filters = Filters {
        sort_by_time,
        ..Default::default()
    };
    let mut rowids = search::find(store.pool(), &expression, &filters, 0, PAGE + 1)
        .await
        .expect("search");
    rowids.truncate(PAGE as usize);
    event::by_rowids(store.pool(), &rowids)
        .await
        .expect("events")
        .len()
}

/// The ingest comparison, then a store of `EVENTS` messages.
async fn filled_store(words: &[String], dir: &std::path::Path) -> Store {
    let (bare_dir, bare) = support::temp_store("search-bench-bare").await;
    let mut tx = bare.begin_write().await.expect("write");
    for trigger in [
        "event_search_on_insert",
        "event_search_on_update",
        "event_search_on_delete",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP TRIGGER {trigger}")))
            .execute(&mut *tx)
            .await
            .expect("drop trigger");
    }
    tx.commit().await.expect("commit");
    let sample = 0..INGEST_SAMPLE / PER_RESPONSE;
    let without = fill(&bare, sample.clone(), &mut Rng(0x5eed), words).await;
    bare.pool().close().await;
    std::fs::remove_dir_all(&bare_dir).ok();

    let store = support::store_at(dir).await;
    let mut rng = Rng(0x5eed);
    let with = fill(&store, sample.clone(), &mut rng, words).await;
    println!(
        "ingest of {INGEST_SAMPLE} messages: {without:.0} events/s without the index, {with:.0} with it ({:.0} % slower)",
        (without / with - 1.0) * 100.0
    );
    let rest = sample.end..EVENTS / PER_RESPONSE;
    let started = Instant::now();
    fill(&store, rest, &mut rng, words).await;
    println!(
        "filled: the last {} messages in {:.1} s",
        EVENTS - INGEST_SAMPLE,
        started.elapsed().as_secs_f64()
    );
    store
}

#[tokio::main]
async fn main() {
    let words: Vec<String> = (0..VOCABULARY).map(word).collect();
    let kept = std::env::var_os("TRELLIS_SEARCH_BENCH_STORE").map(std::path::PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("trellis-search-bench-{}", std::process::id()))
    });
    let reuse = kept.is_some() && dir.join("bench.db").is_file();
    let store = if reuse {
        support::store_at(&dir).await
    } else {
        filled_store(&words, &dir).await
    };
    let indexed: i64 = sqlx::query_scalar("SELECT count(*) FROM event_search")
        .fetch_one(store.pool())
        .await
        .expect("count");
    println!("{indexed} messages indexed in {ROOMS} rooms");

    let mut rng = Rng(0x9e37);
    for (what, words_per_query) in [("one word", 1), ("two words", 2)] {
        for sort_by_time in [false, true] {
            let mut ms = Vec::with_capacity(RUNS);
            let mut hits = 0;
            for _ in 0..RUNS {
                let term: Vec<&str> = (0..words_per_query)
                    .map(|_| words[rng.rank(50)].as_str())
                    .collect();
                let t = Instant::now();
                hits += search_local(&store, &term.join(" "), sort_by_time).await;
                ms.push(t.elapsed().as_secs_f64() * 1e3);
            }
            let order = if sort_by_time {
                "newest first"
            } else {
                "by relevance"
            };
            support::report(
                &format!(
                    "search_local, {what}, {order} (page of {PAGE}; {:.1} results a query)",
                    hits as f64 / RUNS as f64
                ),
                ms,
            );
        }
    }
    store.pool().close().await;
    if kept.is_none() {
        std::fs::remove_dir_all(&dir).ok();
    }
}
