CREATE TABLE `document_numbers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`year` integer NOT NULL,
	`kind` text NOT NULL,
	`seq` integer NOT NULL,
	`report_id` integer NOT NULL,
	`source` text NOT NULL,
	`prefix` text NOT NULL,
	`issued_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `document_numbers_seq_idx` ON `document_numbers` (`unit_id`,`year`,`kind`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `document_numbers_source_idx` ON `document_numbers` (`source`);--> statement-breakpoint
CREATE INDEX `document_numbers_report_idx` ON `document_numbers` (`report_id`);