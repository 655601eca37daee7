ALTER TABLE `reports` ADD `source` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `source_ref` text;