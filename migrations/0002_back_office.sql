CREATE TABLE `rectification_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer,
	`source` text NOT NULL,
	`region_code` text NOT NULL,
	`problem` text NOT NULL,
	`measures` text NOT NULL,
	`unit_id` integer NOT NULL,
	`responsible_person` text NOT NULL,
	`deadline` text NOT NULL,
	`status` text NOT NULL,
	`progress` text,
	`signed_off_by` integer,
	`signed_off_at` integer,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rectification_report_idx` ON `rectification_items` (`report_id`);--> statement-breakpoint
CREATE INDEX `rectification_region_idx` ON `rectification_items` (`region_code`,`status`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`unit_id` integer NOT NULL,
	`roles` text NOT NULL,
	`email` text NOT NULL,
	`home_village_code` text,
	`password_hash` text NOT NULL,
	`password_changed_at` integer NOT NULL,
	`must_change_password` integer DEFAULT true NOT NULL,
	`totp_sealed` blob,
	`totp_enabled` integer DEFAULT false NOT NULL,
	`totp_last_step` integer,
	`recovery_codes` text,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`last_login_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE INDEX `users_unit_idx` ON `users` (`unit_id`);--> statement-breakpoint
CREATE TABLE `identity_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`requester_id` integer NOT NULL,
	`reason` text NOT NULL,
	`decider_unit_id` integer NOT NULL,
	`status` text NOT NULL,
	`decided_by` integer,
	`decided_at` integer,
	`decision_note` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `identity_requests_report_idx` ON `identity_requests` (`report_id`,`requester_id`);--> statement-breakpoint
CREATE INDEX `identity_requests_decider_idx` ON `identity_requests` (`decider_unit_id`,`status`);--> statement-breakpoint
CREATE TABLE `declarants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer,
	`name` text NOT NULL,
	`position` text NOT NULL,
	`id_hash` text NOT NULL,
	`home_village_code` text NOT NULL,
	`unit_id` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `declarants_user_id_unique` ON `declarants` (`user_id`);--> statement-breakpoint
CREATE INDEX `declarants_village_idx` ON `declarants` (`home_village_code`);--> statement-breakpoint
CREATE INDEX `declarants_id_hash_idx` ON `declarants` (`id_hash`);--> statement-breakpoint
CREATE TABLE `declared_relatives` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`declarant_id` integer NOT NULL,
	`name` text NOT NULL,
	`relation` text NOT NULL,
	`id_hash` text NOT NULL,
	`village_code` text NOT NULL,
	`assistance_type` text NOT NULL,
	FOREIGN KEY (`declarant_id`) REFERENCES `declarants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `declared_relatives_declarant_idx` ON `declared_relatives` (`declarant_id`);--> statement-breakpoint
CREATE INDEX `declared_relatives_id_hash_idx` ON `declared_relatives` (`id_hash`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`report_id` integer,
	`kind` text NOT NULL,
	`created_at` integer NOT NULL,
	`read_at` integer
);
--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`user_id`,`read_at`);--> statement-breakpoint
CREATE TABLE `sent_reminders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`kind` text NOT NULL,
	`due_on` text NOT NULL,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sent_reminders_unique` ON `sent_reminders` (`report_id`,`kind`,`due_on`);--> statement-breakpoint
CREATE TABLE `answer_templates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer,
	`category` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`updated_by` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `answer_templates_category_idx` ON `answer_templates` (`category`);--> statement-breakpoint
ALTER TABLE `reports` ADD `accepted_at` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `assigned_unit_id` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `assignee_id` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `assigned_at` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `assignment_due` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `handling_due` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `extension_days` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `extension_request` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `finding` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `answer_draft` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `concluded_at` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `merged_into_id` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `review_level` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `reports` ADD `review_unit_id` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `status_before_review` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `clock_rule` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `due_on` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `paused_since` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `hasten_pending` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `reports` ADD `escalated_for` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `reminded_for` text;--> statement-breakpoint
CREATE INDEX `reports_assigned_idx` ON `reports` (`assigned_unit_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `reports_assignee_idx` ON `reports` (`assignee_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `reports_due_idx` ON `reports` (`due_on`);