-- search_local's time order and time filters read each match's timestamp;
-- this index holds just that, so a common word's tens of thousands of
-- matches read a few megabytes instead of every matching event's row.
CREATE INDEX event_rowid_timestamp ON event (rowid, timestamp);
