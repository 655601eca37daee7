CREATE TABLE `exchange_file_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_system` text NOT NULL,
	`work_order_no` text NOT NULL,
	`content_hash` text NOT NULL,
	`report_id` integer,
	`origin_status` text NOT NULL,
	`origin_steps` text NOT NULL,
	`origin_case_no` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exchange_file_items_key_idx` ON `exchange_file_items` (`source_system`,`work_order_no`);--> statement-breakpoint
CREATE INDEX `exchange_file_items_report_idx` ON `exchange_file_items` (`report_id`);