//! The `account` row: who is logged in, and the committed sync token.

use sqlx::Row;

use super::{Store, StoreResult, Tx};

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub user_id: String,
    pub device_id: String,
    pub homeserver_url: String,
    pub keyring_id: String,
    pub next_batch: String,
    pub displayname: String,
    pub avatar_url: String,
}

impl Store {
    pub async fn account(&self) -> StoreResult<Option<Account>> {
        let row = sqlx::query(
            "SELECT user_id, device_id, homeserver_url, keyring_id, next_batch, displayname, avatar_url
             FROM account LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| Account {
            user_id: r.get(0),
            device_id: r.get(1),
            homeserver_url: r.get(2),
            keyring_id: r.get(3),
            next_batch: r.get(4),
            displayname: r.get(5),
            avatar_url: r.get(6),
        }))
    }

    /// Records a fresh login; any earlier account's data is gone by now.
    pub async fn put_account(&self, account: &Account) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO account (user_id, device_id, homeserver_url, keyring_id, next_batch)
             VALUES (?, ?, ?, ?, '')",
        )
        .bind(&account.user_id)
        .bind(&account.device_id)
        .bind(&account.homeserver_url)
        .bind(&account.keyring_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn set_profile(&self, displayname: &str, avatar_url: &str) -> StoreResult<()> {
        sqlx::query("UPDATE account SET displayname = ?, avatar_url = ?")
            .bind(displayname)
            .bind(avatar_url)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// Advances the sync token inside the batch's own transaction.
pub async fn set_next_batch(tx: &mut Tx, next_batch: &str) -> StoreResult<()> {
    sqlx::query("UPDATE account SET next_batch = ?")
        .bind(next_batch)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
