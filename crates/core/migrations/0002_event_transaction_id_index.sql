-- no-transaction
-- The event table without its UNIQUE (transaction_id) constraint: that
-- index held an entry for every event, though only our own unsent or
-- just-sent events carry a transaction id, and keeping it up to date cost
-- about a seventh of the time of storing a sync. A partial unique index
-- keeps the guarantee for the rows that have one.
--
-- SQLite cannot drop a constraint in place, so the table is rebuilt as its
-- documented procedure says: foreign keys off (else dropping the old table
-- would cascade into timeline and current_state), copy, drop, rename, then
-- the indexes and triggers again, which are as in 0001.
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE event_new (
    rowid            INTEGER PRIMARY KEY,
    room_id          TEXT    NOT NULL REFERENCES room (room_id) ON DELETE CASCADE,
    event_id         TEXT    NOT NULL,
    sender           TEXT    NOT NULL,
    type             TEXT    NOT NULL,
    state_key        TEXT,
    timestamp        INTEGER NOT NULL,
    content          TEXT    NOT NULL,
    decrypted        TEXT,
    decrypted_type   TEXT,
    unsigned         TEXT,
    local_content    TEXT,
    transaction_id   TEXT,
    -- The event a redaction removes (content.redacts or the older top-level
    -- field), so the triggers below need not know the room version.
    redacts          TEXT,
    redacted_by      TEXT,
    relates_to       TEXT,
    relation_type    TEXT,
    -- The key of an m.annotation, kept for the reaction counts.
    reaction_key     TEXT,
    megolm_session_id TEXT,
    decryption_error TEXT,
    send_error       TEXT,
    reactions        TEXT,
    last_edit_rowid  INTEGER,
    unread_type      INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT event_id_unique UNIQUE (event_id)
) STRICT;
INSERT INTO event_new SELECT * FROM event;
DROP TABLE event;
ALTER TABLE event_new RENAME TO event;

CREATE INDEX event_room_idx ON event (room_id);
CREATE INDEX event_relates_to_idx ON event (room_id, relates_to) WHERE relates_to IS NOT NULL;
CREATE INDEX event_redacts_idx ON event (room_id, redacts) WHERE redacts IS NOT NULL;
CREATE UNIQUE INDEX event_transaction_id_idx ON event (transaction_id) WHERE transaction_id IS NOT NULL;

CREATE TRIGGER event_redaction_marks_target AFTER INSERT ON event
WHEN NEW.redacts IS NOT NULL AND NEW.event_id LIKE '$%'
BEGIN
    UPDATE event SET redacted_by = NEW.event_id
    WHERE room_id = NEW.room_id AND event_id = NEW.redacts AND redacted_by IS NULL;
END;

CREATE TRIGGER event_marked_by_earlier_redaction AFTER INSERT ON event
WHEN NEW.redacted_by IS NULL
BEGIN
    UPDATE event SET redacted_by = (
        SELECT r.event_id FROM event r
        WHERE r.room_id = NEW.room_id AND r.redacts = NEW.event_id AND r.event_id LIKE '$%'
        LIMIT 1)
    WHERE rowid = NEW.rowid AND EXISTS (
        SELECT 1 FROM event r
        WHERE r.room_id = NEW.room_id AND r.redacts = NEW.event_id AND r.event_id LIKE '$%');
END;

-- A redacted event keeps only what the redaction algorithm preserves
-- (room v11 rules); its cleartext and rendered form go too.
CREATE TRIGGER event_redaction_strips_content AFTER UPDATE OF redacted_by ON event
WHEN OLD.redacted_by IS NULL AND NEW.redacted_by IS NOT NULL
BEGIN
    UPDATE event SET
        content = CASE NEW.type
            WHEN 'm.room.member' THEN json_patch('{}', json_object(
                'membership', json(content -> 'membership'),
                'join_authorised_via_users_server', json(content -> 'join_authorised_via_users_server')))
            WHEN 'm.room.create' THEN content
            WHEN 'm.room.join_rules' THEN json_patch('{}', json_object(
                'join_rule', json(content -> 'join_rule'), 'allow', json(content -> 'allow')))
            WHEN 'm.room.power_levels' THEN json_patch('{}', json_object(
                'ban', json(content -> 'ban'), 'events', json(content -> 'events'),
                'events_default', json(content -> 'events_default'), 'invite', json(content -> 'invite'),
                'kick', json(content -> 'kick'), 'redact', json(content -> 'redact'),
                'state_default', json(content -> 'state_default'), 'users', json(content -> 'users'),
                'users_default', json(content -> 'users_default')))
            WHEN 'm.room.history_visibility' THEN json_patch('{}', json_object(
                'history_visibility', json(content -> 'history_visibility')))
            ELSE '{}'
        END,
        decrypted = NULL,
        local_content = NULL
    WHERE rowid = NEW.rowid;
END;

-- Reaction counts per key: one per sender and key, redacted ones excluded.
CREATE TRIGGER event_reaction_counts_on_insert AFTER INSERT ON event
WHEN NEW.relation_type = 'm.annotation' OR EXISTS (
    SELECT 1 FROM event r WHERE r.room_id = NEW.room_id AND r.relates_to = NEW.event_id
        AND r.relation_type = 'm.annotation')
BEGIN
    UPDATE event SET reactions = (
        SELECT json_group_object(reaction_key, n) FROM (
            SELECT r.reaction_key, COUNT(DISTINCT r.sender) AS n FROM event r
            WHERE r.room_id = event.room_id AND r.relates_to = event.event_id
              AND r.relation_type = 'm.annotation' AND r.redacted_by IS NULL
              AND r.reaction_key IS NOT NULL
            GROUP BY r.reaction_key))
    WHERE room_id = NEW.room_id AND event_id IN (NEW.relates_to, NEW.event_id);
END;

CREATE TRIGGER event_reaction_counts_on_redact AFTER UPDATE OF redacted_by ON event
WHEN NEW.relation_type = 'm.annotation'
BEGIN
    UPDATE event SET reactions = (
        SELECT json_group_object(reaction_key, n) FROM (
            SELECT r.reaction_key, COUNT(DISTINCT r.sender) AS n FROM event r
            WHERE r.room_id = event.room_id AND r.relates_to = event.event_id
              AND r.relation_type = 'm.annotation' AND r.redacted_by IS NULL
              AND r.reaction_key IS NOT NULL
            GROUP BY r.reaction_key))
    WHERE room_id = NEW.room_id AND event_id = NEW.relates_to;
END;

-- The newest edit by the original sender that is not redacted.
CREATE TRIGGER event_last_edit_on_insert AFTER INSERT ON event
WHEN NEW.relation_type = 'm.replace' OR EXISTS (
    SELECT 1 FROM event e WHERE e.room_id = NEW.room_id AND e.relates_to = NEW.event_id
        AND e.relation_type = 'm.replace')
BEGIN
    UPDATE event SET last_edit_rowid = (
        SELECT e.rowid FROM event e
        WHERE e.room_id = event.room_id AND e.relates_to = event.event_id
          AND e.relation_type = 'm.replace' AND e.sender = event.sender
          AND e.redacted_by IS NULL AND e.state_key IS NULL
        ORDER BY e.timestamp DESC, e.rowid DESC LIMIT 1)
    WHERE room_id = NEW.room_id AND event_id IN (NEW.relates_to, NEW.event_id)
      AND (relation_type IS NULL OR relation_type != 'm.replace');
END;

CREATE TRIGGER event_last_edit_on_redact AFTER UPDATE OF redacted_by ON event
WHEN NEW.relation_type = 'm.replace'
BEGIN
    UPDATE event SET last_edit_rowid = (
        SELECT e.rowid FROM event e
        WHERE e.room_id = event.room_id AND e.relates_to = event.event_id
          AND e.relation_type = 'm.replace' AND e.sender = event.sender
          AND e.redacted_by IS NULL AND e.state_key IS NULL
        ORDER BY e.timestamp DESC, e.rowid DESC LIMIT 1)
    WHERE room_id = NEW.room_id AND event_id = NEW.relates_to;
END;

COMMIT;
PRAGMA foreign_keys = ON;
