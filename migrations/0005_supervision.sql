CREATE TABLE `spot_check_rounds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`name` text NOT NULL,
	`seed` text NOT NULL,
	`township_count` integer NOT NULL,
	`random_count` integer NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `spot_check_targets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`township_code` text NOT NULL,
	`drawn_by` text NOT NULL,
	`weight` integer NOT NULL,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `spot_check_targets_unique` ON `spot_check_targets` (`round_id`,`township_code`);--> statement-breakpoint
CREATE TABLE `spot_checks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`target_id` integer,
	`township_code` text NOT NULL,
	`village_code` text,
	`checked_on` text NOT NULL,
	`posting_ok` integer,
	`roster_ok` integer,
	`hotline_called_at` text,
	`hotline_answered` integer,
	`cases_checked` text,
	`findings` text,
	`ledger_item_id` integer,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `spot_checks_round_idx` ON `spot_checks` (`round_id`);--> statement-breakpoint
CREATE TABLE `reporting_submissions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`status` text NOT NULL,
	`basic` text DEFAULT '' NOT NULL,
	`practices` text DEFAULT '' NOT NULL,
	`problems` text DEFAULT '' NOT NULL,
	`suggestions` text DEFAULT '' NOT NULL,
	`statistics` text,
	`submitted_at` integer,
	`reminded_at` integer,
	`updated_by` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reporting_submissions_unique` ON `reporting_submissions` (`task_id`,`unit_id`);--> statement-breakpoint
CREATE INDEX `reporting_submissions_unit_idx` ON `reporting_submissions` (`unit_id`);--> statement-breakpoint
CREATE TABLE `reporting_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`year` integer NOT NULL,
	`quarter` integer,
	`due_on` text NOT NULL,
	`title` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reporting_tasks_unique` ON `reporting_tasks` (`kind`,`year`,`quarter`);--> statement-breakpoint
CREATE TABLE `cross_check_flags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`recipient_id` integer NOT NULL,
	`declarant_id` integer NOT NULL,
	`relative_id` integer,
	`kind` text NOT NULL,
	`village_code` text NOT NULL,
	`county_code` text NOT NULL,
	`status` text NOT NULL,
	`action_note` text,
	`resolved_by` integer,
	`resolved_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cross_check_flags_unique` ON `cross_check_flags` (`recipient_id`,`declarant_id`,`kind`);--> statement-breakpoint
CREATE INDEX `cross_check_flags_county_idx` ON `cross_check_flags` (`county_code`,`status`);--> statement-breakpoint
CREATE TABLE `declaration_imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`fingerprint` text NOT NULL,
	`row_count` integer NOT NULL,
	`uploaded_by` integer NOT NULL,
	`uploaded_at` integer NOT NULL
);
--> statement-breakpoint
-- One open identity request per user and report, across processes (src/identity-access).
CREATE UNIQUE INDEX `identity_requests_one_open` ON `identity_requests` (`report_id`,`requester_id`) WHERE status IN ('pending','approved');
