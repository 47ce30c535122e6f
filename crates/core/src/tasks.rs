//! The engine's own tasks that write the store (the sync loop, the send
//! queue's workers, the profile refresh), so that a shutdown can stop them
//! at a safe point and wait for them before the database closes.
//!
//! Each such task waits on the homeserver through `stop`'s
//! `run_until_cancelled`, which ends the wait when the engine stops, and
//! never cuts short what it writes: the write in flight finishes, then the
//! task ends at its next wait.

use std::{future::Future, sync::Mutex};

use tokio::{
    task::{AbortHandle, JoinSet},
    time::Instant,
};
use tokio_util::sync::CancellationToken;

pub(crate) struct Tasks {
    pub stop: CancellationToken,
    /// `None` once stopping: nothing new starts after that.
    running: Mutex<Option<JoinSet<()>>>,
}

impl Default for Tasks {
    fn default() -> Self {
        Self {
            stop: CancellationToken::new(),
            running: Mutex::new(Some(JoinSet::new())),
        }
    }
}

impl Tasks {
    /// Starts a task the shutdown waits for; `None` when the engine is
    /// stopping (what it would have done is picked up at the next start).
    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) -> Option<AbortHandle> {
        let mut running = self.running.lock().ok()?;
        let set = running.as_mut()?;
        // Forget the ended ones, so a long run does not collect them.
        while set.try_join_next().is_some() {}
        Some(set.spawn(task))
    }

    /// Tells every task to stop and waits until they have, or until
    /// `deadline`; tasks still running then are aborted. False when some were.
    pub async fn stop(&self, deadline: Instant) -> bool {
        self.stop.cancel();
        let Some(mut set) = self.running.lock().ok().and_then(|mut r| r.take()) else {
            return true;
        };
        let all_ended = async { while set.join_next().await.is_some() {} };
        tokio::time::timeout_at(deadline, all_ended).await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use std::{
        sync::{
            Arc,
            atomic::{AtomicBool, Ordering},
        },
        time::Duration,
    };

    use tokio::sync::oneshot;

    use super::*;

    #[tokio::test]
    async fn stop_lets_a_write_finish_and_cuts_a_wait_short() {
        let tasks = Tasks::default();
        let written = Arc::new(AtomicBool::new(false));
        let (writing, in_write) = oneshot::channel();
        let done = written.clone();
        tasks.spawn(async move {
            let _ = writing.send(());
            tokio::time::sleep(Duration::from_millis(300)).await;
            done.store(true, Ordering::SeqCst);
        });
        let stop = tasks.stop.clone();
        tasks.spawn(async move {
            stop.run_until_cancelled(std::future::pending::<()>()).await;
        });
        in_write.await.unwrap();

        let started = Instant::now();
        assert!(tasks.stop(started + Duration::from_secs(5)).await);
        assert!(written.load(Ordering::SeqCst), "the write was cut short");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "the wait was not"
        );
        assert!(
            tasks.spawn(async {}).is_none(),
            "a task started while stopping"
        );
    }

    #[tokio::test]
    async fn a_task_past_the_deadline_is_aborted() {
        let tasks = Tasks::default();
        let (running, started) = oneshot::channel();
        // Dropped with the task: the receiver then sees it end.
        let (alive, ended) = oneshot::channel::<()>();
        tasks.spawn(async move {
            let _alive = alive;
            let _ = running.send(());
            std::future::pending::<()>().await;
        });
        started.await.unwrap();
        assert!(
            !tasks
                .stop(Instant::now() + Duration::from_millis(200))
                .await
        );
        assert!(ended.await.is_err());
    }
}
