ALTER TABLE `declarants` ADD `id_hash_alt` text;--> statement-breakpoint
CREATE INDEX `declarants_id_hash_alt_idx` ON `declarants` (`id_hash_alt`);--> statement-breakpoint
ALTER TABLE `declared_relatives` ADD `id_hash_alt` text;--> statement-breakpoint
CREATE INDEX `declared_relatives_id_hash_alt_idx` ON `declared_relatives` (`id_hash_alt`);--> statement-breakpoint
ALTER TABLE `recipients` ADD `id_hash_alt` text;--> statement-breakpoint
CREATE INDEX `recipients_id_hash_alt_idx` ON `recipients` (`id_hash_alt`);