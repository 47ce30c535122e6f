//! The engine's side of content: local_content filled for stored events,
//! and stored messages re-sanitized when the HTML version goes up.

use serde_json::json;
use trellis_rpc::model::LocalContent;

use super::{HTML_FORMAT, HTML_VERSION, upgrade};

#[test]
fn sync_fills_local_content_from_decrypted_content() {
    let mut e = crate::sync::event::from_json(
        "!r:x",
        r#"{"event_id":"$1","sender":"@a:x","type":"m.room.encrypted","content":{"algorithm":"x"}}"#,
    )
    .expect("an event");
    assert!(e.local_content.is_none());
    e.decrypted_type = Some("m.room.message".into());
    e.decrypted = Some(json!({"msgtype": "m.text", "body": "<hi>"}).to_string());
    crate::sync::event::index_relations(&mut e);
    crate::sync::event::fill_local_content(&mut e, "@me:x");
    let lc: LocalContent =
        serde_json::from_str(e.local_content.as_deref().expect("local_content")).expect("json");
    assert_eq!(lc.sanitized_html, "&lt;hi&gt;");
}

#[tokio::test]
async fn upgrade_resanitizes_older_versions_and_keeps_push_rule() {
    let dir = std::env::temp_dir().join(format!("trellis-upgrade-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let store = crate::store::Store::open(&dir.join("db.sqlite"))
        .await
        .expect("store");
    sqlx::query("INSERT INTO room (room_id) VALUES ('!r:x')")
        .execute(store.pool())
        .await
        .expect("room");
    let content = json!({"msgtype": "m.text", "body": "x", "format": HTML_FORMAT,
        "formatted_body": "<b onclick=x>new</b>"});
    for (id, lc) in [
        (
            "$old",
            Some(r#"{"sanitized_html":"stale","html_version":0,"push_rule_id":".m.rule.x"}"#),
        ),
        ("$none", None),
    ] {
        sqlx::query(
            "INSERT INTO event (room_id, event_id, sender, type, timestamp, content, local_content)
             VALUES ('!r:x', ?, '@a:x', 'm.room.message', 0, ?, ?)",
        )
        .bind(id)
        .bind(content.to_string())
        .bind(lc)
        .execute(store.pool())
        .await
        .expect("event");
    }
    upgrade::run(&store).await.expect("upgrade");
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT event_id, local_content FROM event ORDER BY event_id")
            .fetch_all(store.pool())
            .await
            .expect("rows");
    for (id, lc) in rows {
        let lc: LocalContent = serde_json::from_str(&lc).expect("json");
        assert_eq!(
            (lc.sanitized_html.as_str(), lc.html_version),
            ("<b>new</b>", HTML_VERSION)
        );
        assert_eq!(lc.push_rule_id, if id == "$old" { ".m.rule.x" } else { "" });
    }
    let version: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(store.pool())
        .await
        .expect("pragma");
    assert_eq!(version, HTML_VERSION);
    store.pool().close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
