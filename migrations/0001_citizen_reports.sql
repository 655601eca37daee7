CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`object_type` text NOT NULL,
	`object_id` text NOT NULL,
	`result` text NOT NULL,
	`detail` text,
	`prev_mac` text NOT NULL,
	`mac` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_object_idx` ON `audit_log` (`object_type`,`object_id`);--> statement-breakpoint
CREATE INDEX `audit_actor_idx` ON `audit_log` (`actor_type`,`actor_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`sid` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL,
	`user_id` integer,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_idx` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `evidence_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`stored_name` text NOT NULL,
	`owner_type` text NOT NULL,
	`owner_id` integer NOT NULL,
	`uploaded_by` text NOT NULL,
	`uploaded_by_id` integer,
	`mime` text NOT NULL,
	`ext` text NOT NULL,
	`kind` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`cleaned` integer NOT NULL,
	`name_sealed` blob NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evidence_files_stored_name_unique` ON `evidence_files` (`stored_name`);--> statement-breakpoint
CREATE INDEX `evidence_owner_idx` ON `evidence_files` (`owner_type`,`owner_id`);--> statement-breakpoint
CREATE TABLE `report_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`at` integer NOT NULL,
	`type` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` integer,
	`visible_to_reporter` integer NOT NULL,
	`body` text,
	`data` text,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `report_events_report_idx` ON `report_events` (`report_id`,`id`);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_no` text NOT NULL,
	`receipt_digest` text NOT NULL,
	`submission_digest` text,
	`receipt_for_retry` blob,
	`channel` text NOT NULL,
	`category` text NOT NULL,
	`place_code` text NOT NULL,
	`place_other` text,
	`county_code` text NOT NULL,
	`township_code` text,
	`subject_name` text,
	`subject_position` text,
	`subject_is_head` integer DEFAULT false NOT NULL,
	`description` text NOT NULL,
	`happened_at` text,
	`real_name` integer DEFAULT false NOT NULL,
	`identity_sealed` blob,
	`handling_unit_id` integer NOT NULL,
	`status` text NOT NULL,
	`received_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`objection_entry_id` integer,
	`rating` text,
	`answer_first_opened_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_case_no_unique` ON `reports` (`case_no`);--> statement-breakpoint
CREATE UNIQUE INDEX `reports_receipt_digest_unique` ON `reports` (`receipt_digest`);--> statement-breakpoint
CREATE UNIQUE INDEX `reports_submission_digest_unique` ON `reports` (`submission_digest`);--> statement-breakpoint
CREATE INDEX `reports_unit_status_idx` ON `reports` (`handling_unit_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `reports_county_idx` ON `reports` (`county_code`,`id`);--> statement-breakpoint
CREATE INDEX `reports_received_idx` ON `reports` (`received_at`);--> statement-breakpoint
CREATE TABLE `calendar_years` (
	`year` integer PRIMARY KEY NOT NULL,
	`updated_by` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `holiday_overrides` (
	`date` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`note` text,
	`updated_by` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `hotlines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`region_code` text NOT NULL,
	`phone` text NOT NULL,
	`duty_hours` text NOT NULL,
	`note` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `hotlines_region_idx` ON `hotlines` (`region_code`);