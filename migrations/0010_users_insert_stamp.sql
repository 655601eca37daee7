-- A row replaced with INSERT OR REPLACE fires no delete trigger (recursive_triggers is off), so a new
-- users row counts for `people` too (src/db/change-stamps.ts).
CREATE TRIGGER `users_stamp_insert` AFTER INSERT ON `users` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('people', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
