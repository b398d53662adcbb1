-- The follow-up queue (issue 14) for databases seeded before it: a
-- "Follow-ups" item (target `communications.follow_ups`, a screen of the
-- communications tool, granted with it) joins the group holding the
-- Communication log item, right after it, with the letter x where that
-- group has it free. `caseload seed` writes the same item. Data only;
-- nothing is added where an item already opens the queue.

INSERT INTO navigation_items (parent_id, label, nav_type, tool_id, target, hotkey, sort_order)
SELECT n.parent_id, 'Follow-ups', 'screen', n.tool_id, 'communications.follow_ups',
       CASE WHEN EXISTS (SELECT 1 FROM navigation_items x
                         WHERE x.parent_id IS NOT DISTINCT FROM n.parent_id AND x.hotkey = 'x')
            THEN NULL ELSE 'x' END,
       n.sort_order + 5
FROM navigation_items n
WHERE n.target = 'communications' AND n.nav_type = 'screen'
  AND NOT EXISTS (SELECT 1 FROM navigation_items m WHERE m.target = 'communications.follow_ups')
ORDER BY n.sort_order, n.id
LIMIT 1;
