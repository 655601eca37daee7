ALTER TABLE "declarants" ADD COLUMN "id_hash_alt" text;--> statement-breakpoint
ALTER TABLE "declared_relatives" ADD COLUMN "id_hash_alt" text;--> statement-breakpoint
ALTER TABLE "recipients" ADD COLUMN "id_hash_alt" text;--> statement-breakpoint
CREATE INDEX "declarants_id_hash_alt_idx" ON "declarants" USING btree ("id_hash_alt");--> statement-breakpoint
CREATE INDEX "declared_relatives_id_hash_alt_idx" ON "declared_relatives" USING btree ("id_hash_alt");--> statement-breakpoint
CREATE INDEX "recipients_id_hash_alt_idx" ON "recipients" USING btree ("id_hash_alt");