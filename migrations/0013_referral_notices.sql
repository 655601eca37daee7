ALTER TABLE `referrals` ADD `acceptance_notice_at` integer;--> statement-breakpoint
ALTER TABLE `referrals` ADD `result_notice_at` integer;--> statement-breakpoint
ALTER TABLE `referrals` ADD `result_notice_text` text;