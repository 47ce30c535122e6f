-- Sticky events (MSC4354): the duration the sender asked for, as the spec's
-- database.Event carries it, and when the event stops being sticky
-- (counted from when we got it if the sender's clock is ahead, at most an
-- hour), so get_sticky_events is one range read per room.
ALTER TABLE event ADD COLUMN sticky_duration_ms INTEGER;
ALTER TABLE event ADD COLUMN sticky_until INTEGER;
CREATE INDEX event_sticky_idx ON event (room_id, sticky_until) WHERE sticky_until IS NOT NULL;
