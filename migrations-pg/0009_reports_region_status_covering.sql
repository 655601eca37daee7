DROP INDEX "reports_county_status_received_idx";--> statement-breakpoint
DROP INDEX "reports_township_status_received_idx";--> statement-breakpoint
CREATE INDEX "reports_county_status_received_idx" ON "reports" USING btree ("county_code","status","received_at","id","handling_unit_id","assigned_unit_id","review_unit_id","place_code","township_code","subject_name");--> statement-breakpoint
CREATE INDEX "reports_township_status_received_idx" ON "reports" USING btree ("township_code","status","received_at","id","handling_unit_id","assigned_unit_id","review_unit_id","place_code","subject_name");