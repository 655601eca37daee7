ALTER TABLE "users" ADD COLUMN "mobile" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "notice_channel" text DEFAULT 'email' NOT NULL;