CREATE TABLE `change_stamps` (
	`key` text PRIMARY KEY NOT NULL,
	`n` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `unit_ancestors` (
	`unit_id` integer NOT NULL,
	`ancestor_id` integer NOT NULL,
	PRIMARY KEY(`unit_id`, `ancestor_id`)
);--> statement-breakpoint
-- The units already installed, each with itself and every unit above it (new installs: units/repository.ts).
INSERT INTO `unit_ancestors` (`unit_id`, `ancestor_id`) WITH RECURSIVE up(`unit_id`, `ancestor_id`) AS (SELECT `id`, `id` FROM `units` UNION SELECT up.`unit_id`, u.`supervisor_id` FROM up JOIN `units` u ON u.`id` = up.`ancestor_id` WHERE u.`supervisor_id` IS NOT NULL) SELECT `unit_id`, `ancestor_id` FROM up;
--> statement-breakpoint
-- Triggers raise the change stamps (src/db/change-stamps.ts) on every write the cached staff pages depend on.
-- A report counts for `tree:<unit>` of every unit it is handled by, assigned to or reviewed by, and of each unit above those.
CREATE TRIGGER `reports_stamp_insert` AFTER INSERT ON `reports` BEGIN INSERT INTO `change_stamps` (`key`, `n`) SELECT 'tree:' || `id`, 1 FROM (SELECT value AS `id` FROM json_each(json_array(NEW.handling_unit_id, NEW.assigned_unit_id, NEW.review_unit_id)) WHERE value IS NOT NULL UNION SELECT `ancestor_id` FROM `unit_ancestors` WHERE `unit_id` IN (NEW.handling_unit_id, NEW.assigned_unit_id, NEW.review_unit_id)) WHERE true ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `reports_stamp_update` AFTER UPDATE ON `reports` BEGIN INSERT INTO `change_stamps` (`key`, `n`) SELECT 'tree:' || `id`, 1 FROM (SELECT value AS `id` FROM json_each(json_array(NEW.handling_unit_id, NEW.assigned_unit_id, NEW.review_unit_id, OLD.handling_unit_id, OLD.assigned_unit_id, OLD.review_unit_id)) WHERE value IS NOT NULL UNION SELECT `ancestor_id` FROM `unit_ancestors` WHERE `unit_id` IN (NEW.handling_unit_id, NEW.assigned_unit_id, NEW.review_unit_id, OLD.handling_unit_id, OLD.assigned_unit_id, OLD.review_unit_id)) WHERE true ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `reports_stamp_delete` AFTER DELETE ON `reports` BEGIN INSERT INTO `change_stamps` (`key`, `n`) SELECT 'tree:' || `id`, 1 FROM (SELECT value AS `id` FROM json_each(json_array(OLD.handling_unit_id, OLD.assigned_unit_id, OLD.review_unit_id)) WHERE value IS NOT NULL UNION SELECT `ancestor_id` FROM `unit_ancestors` WHERE `unit_id` IN (OLD.handling_unit_id, OLD.assigned_unit_id, OLD.review_unit_id)) WHERE true ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
-- Only what the cached pages show or scope by (assignee and header names, unit and roles, recusal by home village):
-- sign-ins, lockouts, password changes and disabling do not drop pages (the session checks run before every hit).
CREATE TRIGGER `users_stamp_update` AFTER UPDATE OF `display_name`, `unit_id`, `roles`, `home_village_code` ON `users` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('people', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `users_stamp_delete` AFTER DELETE ON `users` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('people', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `declarants_stamp_insert` AFTER INSERT ON `declarants` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('people', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `declarants_stamp_update` AFTER UPDATE ON `declarants` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('people', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `declarants_stamp_delete` AFTER DELETE ON `declarants` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('people', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `declared_relatives_stamp_insert` AFTER INSERT ON `declared_relatives` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('people', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `declared_relatives_stamp_update` AFTER UPDATE ON `declared_relatives` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('people', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `declared_relatives_stamp_delete` AFTER DELETE ON `declared_relatives` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('people', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `holiday_overrides_stamp_insert` AFTER INSERT ON `holiday_overrides` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('calendar', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `holiday_overrides_stamp_update` AFTER UPDATE ON `holiday_overrides` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('calendar', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `holiday_overrides_stamp_delete` AFTER DELETE ON `holiday_overrides` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('calendar', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `calendar_years_stamp_insert` AFTER INSERT ON `calendar_years` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('calendar', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `calendar_years_stamp_update` AFTER UPDATE ON `calendar_years` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('calendar', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `calendar_years_stamp_delete` AFTER DELETE ON `calendar_years` BEGIN INSERT INTO `change_stamps` (`key`, `n`) VALUES ('calendar', 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1; END;
