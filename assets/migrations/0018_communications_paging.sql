-- The communication log (issue 14) reads every contact one may see, newest
-- first, a page at a time, keyset on (occurred_at, id). At the demo's scale
-- (about 2,400 contacts for 5,000 students) the planner rightly reads the
-- table and sorts; at district scale (hundreds of thousands of contacts) a
-- page for someone who sees many students walks this index backwards from
-- the cursor instead of sorting every visible contact. The per-student
-- index (student_id, occurred_at) serves the student record, not this.
CREATE INDEX communication_log_occurred_idx ON communication_log (occurred_at, id);
