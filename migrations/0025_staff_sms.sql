ALTER TABLE `users` ADD `mobile` text;--> statement-breakpoint
ALTER TABLE `users` ADD `notice_channel` text DEFAULT 'email' NOT NULL;