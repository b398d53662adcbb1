-- Issue 14, items 2 and 3.
--
-- 1. The communication log reads every contact one may see, newest first, a
--    page at a time, keyset on (occurred_at, id). At the demo's scale (about
--    2,400 contacts for 5,000 students) the planner rightly reads the table
--    and sorts; at district scale (hundreds of thousands of contacts) a page
--    for someone who sees many students walks this index backwards from the
--    cursor instead of sorting every visible contact. The per-student index
--    (student_id, occurred_at) serves the student record, not this.
-- 2. Databases seeded before the follow-up queue get its menu item, a screen
--    of the communications tool (`communications.follow_ups`) beside the
--    Communication log item, with the letter x where no item of the menu has
--    it (letters are unique across the whole tree). Data only; a menu without a Communication log item
--    (a fresh database: `caseload seed` writes both) gets nothing.

-- 1 -------------------------------------------------------------------------
CREATE INDEX communication_log_occurred_idx ON communication_log (occurred_at, id);

-- 2 -------------------------------------------------------------------------
INSERT INTO navigation_items (parent_id, label, nav_type, tool_id, target, hotkey, sort_order)
SELECT n.parent_id, 'Follow-ups', 'screen', n.tool_id, 'communications.follow_ups',
       CASE WHEN EXISTS (SELECT 1 FROM navigation_items x
                         WHERE lower(x.hotkey) = 'x')
            THEN NULL ELSE 'x' END,
       n.sort_order + 5
FROM navigation_items n
WHERE n.target = 'communications' AND n.nav_type = 'screen'
  AND NOT EXISTS (SELECT 1 FROM navigation_items m WHERE m.target = 'communications.follow_ups')
ORDER BY n.sort_order, n.id
LIMIT 1;
