CREATE TABLE `exchange_uploads` (
	`token` text PRIMARY KEY NOT NULL,
	`partner_id` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `exchange_uploads_partner_idx` ON `exchange_uploads` (`partner_id`,`expires_at`);--> statement-breakpoint
ALTER TABLE `exchange_partners` ADD `uploads_at_once` integer DEFAULT 4 NOT NULL;