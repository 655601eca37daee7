CREATE TABLE "exchange_uploads" (
	"token" text PRIMARY KEY NOT NULL,
	"partner_id" integer NOT NULL,
	"expires_at" timestamp(3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "exchange_partners" ADD COLUMN "uploads_at_once" integer DEFAULT 4 NOT NULL;--> statement-breakpoint
CREATE INDEX "exchange_uploads_partner_idx" ON "exchange_uploads" USING btree ("partner_id","expires_at");