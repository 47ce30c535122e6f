//! Global and per-room account data.

use super::{StoreResult, Tx};

pub async fn put_global(
    tx: &mut Tx,
    user_id: &str,
    data_type: &str,
    content: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO account_data (user_id, type, content) VALUES (?, ?, ?)
         ON CONFLICT (user_id, type) DO UPDATE SET content = excluded.content",
    )
    .bind(user_id)
    .bind(data_type)
    .bind(content)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn put_room(
    tx: &mut Tx,
    user_id: &str,
    room_id: &str,
    data_type: &str,
    content: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO room_account_data (user_id, room_id, type, content) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, room_id, type) DO UPDATE SET content = excluded.content",
    )
    .bind(user_id)
    .bind(room_id)
    .bind(data_type)
    .bind(content)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn global<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    user_id: &str,
    data_type: &str,
) -> StoreResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT content FROM account_data WHERE user_id = ? AND type = ?")
            .bind(user_id)
            .bind(data_type)
            .fetch_optional(db)
            .await?,
    )
}

/// All global account data, as the first payload after connecting carries it.
pub async fn all_global<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    user_id: &str,
) -> StoreResult<std::collections::BTreeMap<String, trellis_rpc::model::AccountData>> {
    use sqlx::Row;
    let rows = sqlx::query("SELECT type, content FROM account_data WHERE user_id = ?")
        .bind(user_id)
        .fetch_all(db)
        .await?;
    rows.iter()
        .map(|r| {
            let data_type: String = r.get(0);
            let content = serde_json::value::RawValue::from_string(r.get(1))?;
            Ok((
                data_type.clone(),
                trellis_rpc::model::AccountData {
                    user_id: user_id.to_owned(),
                    room_id: String::new(),
                    data_type,
                    content,
                },
            ))
        })
        .collect()
}
