-- Events that could not be decrypted, found by the Megolm session whose
-- key unlocks them (crypto::redecrypt).
CREATE INDEX event_undecrypted_idx ON event (megolm_session_id, room_id)
    WHERE decryption_error IS NOT NULL;

-- A reaction or an edit that decrypts after it was stored (its relation
-- columns are set by an UPDATE then) counts as one that came decrypted.
CREATE TRIGGER event_reaction_counts_on_decrypt AFTER UPDATE OF relates_to ON event
WHEN NEW.relation_type = 'm.annotation' AND OLD.relates_to IS NULL
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

CREATE TRIGGER event_last_edit_on_decrypt AFTER UPDATE OF relates_to ON event
WHEN NEW.relation_type = 'm.replace' AND OLD.relates_to IS NULL
BEGIN
    UPDATE event SET last_edit_rowid = (
        SELECT e.rowid FROM event e
        WHERE e.room_id = event.room_id AND e.relates_to = event.event_id
          AND e.relation_type = 'm.replace' AND e.sender = event.sender
          AND e.redacted_by IS NULL AND e.state_key IS NULL
        ORDER BY e.timestamp DESC, e.rowid DESC LIMIT 1)
    WHERE room_id = NEW.room_id AND event_id = NEW.relates_to;
END;
