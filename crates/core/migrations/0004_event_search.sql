-- Full-text search over messages (search_local), kept by triggers so every
-- path that writes an event — sync, pagination, events fetched on their
-- own, late decryption, edits, redactions — leaves the index in step.
--
-- Contentless: the text lives in `event` already, the index holds only
-- tokens; contentless_delete lets a row be removed or replaced by rowid.
-- `room` and `sender` hold one token each (the ID in hex, so no tokenizer
-- splits it), so the room and sender filters are intersections of doclists
-- inside FTS5 rather than row-by-row checks. Ranking weighs `body` only.
CREATE VIRTUAL TABLE event_search USING fts5(
    body, room, sender,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO event_search (event_search, rank) VALUES ('rank', 'bm25(1.0, 0.0, 0.0)');

-- What the index holds for an event: the text of a message that is neither
-- redacted nor itself an edit; for an edited message the text of its newest
-- edit (so it is found by the new words, not the old). Decrypted messages
-- count by their cleartext; undecrypted ones have none yet.
CREATE VIEW event_search_text AS
SELECT
    e.rowid AS rowid,
    COALESCE(
        (SELECT json_extract(COALESCE(edit.decrypted, edit.content), '$."m.new_content".body')
         FROM event edit WHERE edit.rowid = e.last_edit_rowid),
        json_extract(COALESCE(e.decrypted, e.content), '$.body')) AS body,
    hex(e.room_id) AS room,
    hex(e.sender) AS sender
FROM event e
WHERE COALESCE(e.decrypted_type, e.type) = 'm.room.message'
  AND e.redacted_by IS NULL
  AND e.relation_type IS NOT 'm.replace';

CREATE TRIGGER event_search_on_insert AFTER INSERT ON event
WHEN COALESCE(NEW.decrypted_type, NEW.type) = 'm.room.message'
BEGIN
    INSERT INTO event_search (rowid, body, room, sender)
    SELECT rowid, body, room, sender FROM event_search_text
    WHERE rowid = NEW.rowid AND body IS NOT NULL;
END;

-- Decryption after the fact, a local echo taking the homeserver's version,
-- a new or redacted edit (last_edit_rowid) and a redaction all pass here.
CREATE TRIGGER event_search_on_update
AFTER UPDATE OF content, decrypted, decrypted_type, relation_type, redacted_by, last_edit_rowid
ON event
WHEN OLD.content IS NOT NEW.content OR OLD.decrypted IS NOT NEW.decrypted
    OR OLD.decrypted_type IS NOT NEW.decrypted_type
    OR OLD.relation_type IS NOT NEW.relation_type
    OR OLD.redacted_by IS NOT NEW.redacted_by
    OR OLD.last_edit_rowid IS NOT NEW.last_edit_rowid
BEGIN
    DELETE FROM event_search WHERE rowid = NEW.rowid;
    INSERT INTO event_search (rowid, body, room, sender)
    SELECT rowid, body, room, sender FROM event_search_text
    WHERE rowid = NEW.rowid AND body IS NOT NULL;
END;

CREATE TRIGGER event_search_on_delete AFTER DELETE ON event
BEGIN
    DELETE FROM event_search WHERE rowid = OLD.rowid;
END;

-- get_mentions reads events that notify or highlight, newest first.
CREATE INDEX event_notifying_idx ON event (timestamp) WHERE unread_type & 6 != 0;

INSERT INTO event_search (rowid, body, room, sender)
SELECT rowid, body, room, sender FROM event_search_text WHERE body IS NOT NULL;
