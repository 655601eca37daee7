ALTER TABLE `reports` ADD `rated_at` integer;--> statement-breakpoint
CREATE INDEX `reports_rated_idx` ON `reports` (`rated_at`);--> statement-breakpoint
ALTER TABLE `users` ADD `locale` text;--> statement-breakpoint
-- Ratings given before rated_at existed: the time of the 'rated' event (written in the same transaction as the rating), else the report's last change.
UPDATE `reports` SET `rated_at` = coalesce((SELECT max(e.`at`) FROM `report_events` e WHERE e.`report_id` = `reports`.`id` AND e.`type` = 'rated'), `updated_at`) WHERE `rating` IS NOT NULL AND `rated_at` IS NULL;
