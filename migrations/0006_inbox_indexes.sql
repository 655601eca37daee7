CREATE INDEX `reports_county_status_received_idx` ON `reports` (`county_code`,`status`,`received_at`,`id`);--> statement-breakpoint
CREATE INDEX `reports_township_status_received_idx` ON `reports` (`township_code`,`status`,`received_at`,`id`);--> statement-breakpoint
CREATE INDEX `reports_review_unit_idx` ON `reports` (`review_unit_id`,`status`,`id`);