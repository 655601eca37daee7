CREATE TABLE `relative_removal_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`declarant_id` integer NOT NULL,
	`relative_id` integer NOT NULL,
	`relation` text NOT NULL,
	`requested_by` integer NOT NULL,
	`requested_at` integer NOT NULL,
	`reason` text NOT NULL,
	`review_unit_id` integer NOT NULL,
	`status` text NOT NULL,
	`decided_by` integer,
	`decided_at` integer,
	`decision_note` text
);
--> statement-breakpoint
CREATE INDEX `relative_removal_requests_review_idx` ON `relative_removal_requests` (`review_unit_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `relative_removal_requests_declarant_idx` ON `relative_removal_requests` (`declarant_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `relative_removal_requests_pending_idx` ON `relative_removal_requests` (`relative_id`) WHERE status = 'pending';--> statement-breakpoint
ALTER TABLE `reports` ADD `subject_id_hash` text;--> statement-breakpoint
-- Objections filed before the column existed carry their recipient's keyed ID hash too (issue 19 item 4).
UPDATE `reports` SET `subject_id_hash` = (SELECT `id_hash` FROM `recipients` WHERE `recipients`.`id` = `reports`.`objection_entry_id`) WHERE `objection_entry_id` IS NOT NULL;
