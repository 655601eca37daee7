CREATE TABLE `audit_archives` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`month` text NOT NULL,
	`first_id` integer NOT NULL,
	`last_id` integer NOT NULL,
	`entry_count` integer NOT NULL,
	`start_mac` text NOT NULL,
	`last_mac` text NOT NULL,
	`file_name` text NOT NULL,
	`file_sha256` text NOT NULL,
	`created_at` integer NOT NULL,
	`mac` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_archives_month_unique` ON `audit_archives` (`month`);--> statement-breakpoint
CREATE TABLE `second_factor_resets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`requested_by` integer NOT NULL,
	`requested_at` integer NOT NULL,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`decided_by` integer,
	`decided_at` integer
);
--> statement-breakpoint
CREATE INDEX `second_factor_resets_user_idx` ON `second_factor_resets` (`user_id`,`status`);--> statement-breakpoint
CREATE TABLE `installation` (
	`id` integer PRIMARY KEY NOT NULL,
	`mode` text NOT NULL,
	`set_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `audit_log` ADD `terminal` text;--> statement-breakpoint
ALTER TABLE `evidence_files` ADD `erased_at` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `identity_erased_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `password_history` text;--> statement-breakpoint
ALTER TABLE `declarants` ADD `left_office_at` integer;--> statement-breakpoint
-- A database from before install modes: demo if the demo's staff accounts are in it, production if any other account is.
INSERT INTO `installation` (`id`, `mode`, `set_at`)
  SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM `users` WHERE `email` LIKE '%@staff.sunshine.invalid') THEN 'demo' ELSE 'production' END, CAST(strftime('%s', 'now') AS integer) * 1000
  WHERE EXISTS (SELECT 1 FROM `users`);--> statement-breakpoint
-- The single administrator role becomes the system administrator's duty (issue 15); the security and audit duties are created with `npm run admin:create`.
UPDATE `users` SET `roles` = trim(replace(',' || `roles` || ',', ',administrator,', ',system_admin,'), ',') WHERE ',' || `roles` || ',' LIKE '%,administrator,%';
