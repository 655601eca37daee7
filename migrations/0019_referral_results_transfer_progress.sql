CREATE TABLE `referral_results` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`referral_id` integer NOT NULL,
	`kind` text NOT NULL,
	`detail` text NOT NULL,
	`text` text NOT NULL,
	`decided_on` text NOT NULL,
	`recorded_by` integer NOT NULL,
	`recorded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `referral_results_referral_idx` ON `referral_results` (`referral_id`,`id`);--> statement-breakpoint
CREATE TABLE `transfer_progress` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`transfer_id` integer NOT NULL,
	`text` text NOT NULL,
	`recorded_by` integer NOT NULL,
	`recorded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `transfer_progress_transfer_idx` ON `transfer_progress` (`transfer_id`,`id`);--> statement-breakpoint
-- A referral concluded before results were rows (issue 19 item 11) keeps its one result: copied here.
INSERT INTO `referral_results` (`referral_id`, `kind`, `detail`, `text`, `decided_on`, `recorded_by`, `recorded_at`)
SELECT `id`, `result_kind`, coalesce(`result_detail`, ''), coalesce(`result_text`, ''),
  coalesce(`result_on`, date(coalesce(`concluded_at`, `referred_at`) / 1000, 'unixepoch', '+8 hours')),
  coalesce(`accepted_by`, `referred_by`), coalesce(`concluded_at`, `referred_at`)
FROM `referrals` WHERE `result_kind` IS NOT NULL ORDER BY `id`;
