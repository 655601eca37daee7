ALTER TABLE `evidence_files` ADD `note_sealed` blob;--> statement-breakpoint
ALTER TABLE `evidence_files` ADD `for_referral` integer DEFAULT false NOT NULL;