ALTER TABLE `spot_check_rounds` ADD `draw_inputs` text;--> statement-breakpoint
ALTER TABLE `spot_check_rounds` ADD `draw_inputs_hash` text;--> statement-breakpoint
ALTER TABLE `spot_checks` ADD `hotline_phone` text;--> statement-breakpoint
ALTER TABLE `spot_checks` ADD `hotline_duty_hours` text;