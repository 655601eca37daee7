CREATE TABLE `region_ancestors` (
	`region_code` text NOT NULL,
	`ancestor_code` text NOT NULL,
	`depth` integer NOT NULL,
	PRIMARY KEY(`region_code`, `ancestor_code`)
);
--> statement-breakpoint
CREATE INDEX `region_ancestors_ancestor_idx` ON `region_ancestors` (`ancestor_code`,`region_code`);--> statement-breakpoint
CREATE TABLE `regions` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`kind` text NOT NULL,
	`parent_code` text,
	`nbs_code` text,
	`is_development_zone` integer DEFAULT false NOT NULL,
	`in_gbt2260` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE INDEX `regions_parent_idx` ON `regions` (`parent_code`,`name`);--> statement-breakpoint
CREATE INDEX `regions_level_name_idx` ON `regions` (`level`,`name`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`department` text,
	`region_code` text NOT NULL,
	`name` text NOT NULL,
	`supervisor_id` integer,
	`email` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `units_key_unique` ON `units` (`key`);--> statement-breakpoint
CREATE INDEX `units_region_idx` ON `units` (`region_code`,`kind`);--> statement-breakpoint
CREATE INDEX `units_supervisor_idx` ON `units` (`supervisor_id`);