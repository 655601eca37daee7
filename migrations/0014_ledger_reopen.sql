ALTER TABLE `rectification_items` ADD `reopened_at` integer;--> statement-breakpoint
ALTER TABLE `rectification_items` ADD `reopened_by` integer;--> statement-breakpoint
ALTER TABLE `rectification_items` ADD `reopen_reason` text;--> statement-breakpoint
ALTER TABLE `rectification_items` ADD `reopen_count` integer DEFAULT 0 NOT NULL;