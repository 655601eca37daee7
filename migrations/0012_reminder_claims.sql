PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_sent_reminders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`kind` text NOT NULL,
	`due_on` text NOT NULL,
	`recipient_id` integer DEFAULT 0 NOT NULL,
	`claimed_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
INSERT INTO `__new_sent_reminders`("id", "report_id", "kind", "due_on", "recipient_id", "claimed_at", "sent_at") SELECT "id", "report_id", "kind", "due_on", 0, "sent_at", "sent_at" FROM `sent_reminders`;--> statement-breakpoint
DROP TABLE `sent_reminders`;--> statement-breakpoint
ALTER TABLE `__new_sent_reminders` RENAME TO `sent_reminders`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `sent_reminders_unique` ON `sent_reminders` (`report_id`,`kind`,`due_on`,`recipient_id`);