//! Fills a logged-in profile with a big store for the desktop UI benchmark
//! (tests/bench/ui_bench.py): 1,000 rooms and 100,000 events, as synthetic
//! sync responses through the real processing path. Room 0 gets 6,000 more
//! than the others, so a timeline can be scrolled through 5,000 loaded
//! events without reaching its start. The account's sync token is kept, so
//! the real session goes on syncing from where it was. The synthetic state
//! is each room's whole member list, so the rooms are marked as holding it
//! (the homeserver, which does not know these rooms, is never asked). The
//! profile must not be in use.
//!
//! cargo bench -p trellis-core --bench seed_profile -- --profile DIR

mod support;

use std::{path::PathBuf, time::Instant};

use trellis_core::{
    profile::Profile,
    store::{Store, room},
    sync::synthetic,
};

const ROOMS: usize = 1_000;
/// Two responses for every room (the first with each room's state)…
const ALL_ROOMS: [usize; 2] = [50, 44];
/// …then room 0 alone, in responses of this many events.
const BIG_ROOM_BATCHES: usize = 6;
const BIG_ROOM_PER_BATCH: usize = 1_000;

#[tokio::main]
async fn main() {
    // `cargo bench` with no filter runs every bench, this one without a profile.
    let mut args = std::env::args().skip_while(|a| a != "--profile").skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        println!(
            "seed_profile: nothing to do without --profile DIR (used by tests/bench/ui_bench.py)"
        );
        return;
    };
    let profile = Profile::open(&dir).expect("open the profile (is a backend using it?)");
    let store = Store::open(&profile.database_path())
        .await
        .expect("open the store");
    let account = store
        .account()
        .await
        .expect("read the account")
        .expect("the profile has no account: log in first");

    let started = Instant::now();
    let mut events = 0;
    let mut batch = 0;
    let mut feed = async |rooms: usize, per_room: usize| {
        let resp = synthetic::response(batch, rooms, per_room);
        support::ingest(&store, &account.user_id, &resp, &account.next_batch).await;
        events += rooms * per_room;
        batch += 1;
    };
    for per_room in ALL_ROOMS {
        feed(ROOMS, per_room).await;
    }
    for _ in 0..BIG_ROOM_BATCHES {
        feed(1, BIG_ROOM_PER_BATCH).await;
    }
    let mut tx = store.begin_write().await.expect("begin");
    for r in 0..ROOMS {
        room::set_has_member_list(&mut tx, &format!("!room{r}:bench.test"))
            .await
            .expect("member list");
    }
    tx.commit().await.expect("commit");
    println!(
        "seeded {}: {ROOMS} rooms, {events} events in {:.1} s; peak RSS {:.0} MiB",
        dir.display(),
        started.elapsed().as_secs_f64(),
        support::peak_rss_mib()
    );
    store.pool().close().await;
}
