CREATE TABLE `referrals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`body_unit_id` integer NOT NULL,
	`referred_by` integer NOT NULL,
	`referred_at` integer NOT NULL,
	`opinion` text NOT NULL,
	`status` text NOT NULL,
	`from_status` text NOT NULL,
	`accept_due` text NOT NULL,
	`accepted_at` integer,
	`accepted_by` integer,
	`returned_reason` text,
	`disposition` text,
	`disposition_at` integer,
	`result_kind` text,
	`result_detail` text,
	`result_text` text,
	`result_on` text,
	`concluded_at` integer
);
--> statement-breakpoint
CREATE INDEX `referrals_body_idx` ON `referrals` (`body_unit_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `referrals_report_idx` ON `referrals` (`report_id`);--> statement-breakpoint
CREATE TABLE `transfers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`department_unit_id` integer NOT NULL,
	`transferred_by` integer NOT NULL,
	`transferred_at` integer NOT NULL,
	`note` text NOT NULL,
	`due_on` text NOT NULL,
	`from_status` text NOT NULL,
	`status` text NOT NULL,
	`received_at` integer,
	`received_by` integer,
	`outcome_text` text,
	`outcome_at` integer,
	`outcome_by` integer,
	`returned_reason` text
);
--> statement-breakpoint
CREATE INDEX `transfers_department_idx` ON `transfers` (`department_unit_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `transfers_report_idx` ON `transfers` (`report_id`);--> statement-breakpoint
CREATE TABLE `typical_cases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer,
	`referral_id` integer,
	`unit_id` integer NOT NULL,
	`region_code` text NOT NULL,
	`category` text NOT NULL,
	`quarter` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`signed_off_by` integer,
	`signed_off_at` integer,
	`approved_by` integer,
	`published_at` integer,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `typical_cases_public_idx` ON `typical_cases` (`status`,`quarter`,`id`);--> statement-breakpoint
CREATE INDEX `typical_cases_region_idx` ON `typical_cases` (`region_code`);--> statement-breakpoint
CREATE TABLE `policy_pages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`body_markdown` text NOT NULL,
	`published` integer DEFAULT false NOT NULL,
	`updated_by` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `policy_pages_slug_unique` ON `policy_pages` (`slug`);--> statement-breakpoint
CREATE TABLE `posting_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`posting_id` integer NOT NULL,
	`recipient_id` integer NOT NULL,
	`change` text NOT NULL,
	`masked_name` text NOT NULL,
	`household_size` integer NOT NULL,
	`monthly_amount_fen` integer NOT NULL,
	`type` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `posting_entries_posting_idx` ON `posting_entries` (`posting_id`,`id`);--> statement-breakpoint
CREATE INDEX `posting_entries_recipient_idx` ON `posting_entries` (`recipient_id`);--> statement-breakpoint
CREATE TABLE `postings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`village_code` text NOT NULL,
	`township_code` text NOT NULL,
	`county_code` text NOT NULL,
	`import_id` integer NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `postings_village_idx` ON `postings` (`village_code`,`id`);--> statement-breakpoint
CREATE INDEX `postings_county_idx` ON `postings` (`county_code`,`ends_on`);--> statement-breakpoint
CREATE TABLE `recipient_imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_code` text NOT NULL,
	`uploaded_by` integer NOT NULL,
	`uploaded_at` integer NOT NULL,
	`fingerprint` text NOT NULL,
	`rows_fingerprint` text NOT NULL,
	`row_count` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `recipient_imports_township_idx` ON `recipient_imports` (`township_code`,`rows_fingerprint`);--> statement-breakpoint
CREATE TABLE `recipients` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`village_code` text NOT NULL,
	`township_code` text NOT NULL,
	`county_code` text NOT NULL,
	`id_hash` text NOT NULL,
	`masked_name` text NOT NULL,
	`surname` text NOT NULL,
	`household_size` integer NOT NULL,
	`monthly_amount_fen` integer NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`since_on` text NOT NULL,
	`removed_on` text,
	`last_posting_id` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `recipients_village_idx` ON `recipients` (`village_code`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `recipients_county_idx` ON `recipients` (`county_code`,`status`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `recipients_village_person_idx` ON `recipients` (`village_code`,`id_hash`);--> statement-breakpoint
CREATE INDEX `recipients_id_hash_idx` ON `recipients` (`id_hash`);