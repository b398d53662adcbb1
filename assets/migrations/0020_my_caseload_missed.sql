-- Two menu items of issue 14 for databases seeded before them (a freshly
-- migrated database has no menu yet, and `caseload seed` writes both):
--
-- 1. "My caseload" opened the caseload home (target `caseload`); it gets its
--    own screen, target `caseload.mine`, under the same tool (a target is its
--    tool's key or a screen of it, `<tool>.<screen>`), so whoever was granted
--    the home keeps the item.
-- 2. "Missed sessions" (target `interventions.missed`, tool `interventions`)
--    joins the group holding the Interventions item, after My caseload.
--    Every letter is taken in the demo's flat menu, so it asks for "7".
--
-- Data only; items someone renamed or moved are left as they are.

UPDATE navigation_items SET target = 'caseload.mine', updated_at = now()
WHERE label = 'My caseload' AND target = 'caseload' AND nav_type = 'screen';

INSERT INTO navigation_items (parent_id, label, nav_type, tool_id, target, hotkey, sort_order)
SELECT n.parent_id, 'Missed sessions', 'screen', n.tool_id, 'interventions.missed',
       CASE WHEN EXISTS (SELECT 1 FROM navigation_items x
                         WHERE x.parent_id IS NOT DISTINCT FROM n.parent_id AND x.hotkey = '7')
            THEN NULL ELSE '7' END,
       n.sort_order + 15
FROM navigation_items n
WHERE n.target = 'interventions' AND n.nav_type = 'screen'
  AND NOT EXISTS (SELECT 1 FROM navigation_items m WHERE m.target = 'interventions.missed')
ORDER BY n.sort_order, n.id
LIMIT 1;
