CREATE TABLE `exchange_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`partner_id` integer NOT NULL,
	`work_order_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`payload` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`delivered_at` integer,
	`dead_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exchange_deliveries_order_idx` ON `exchange_deliveries` (`work_order_id`,`seq`);--> statement-breakpoint
CREATE INDEX `exchange_deliveries_due_idx` ON `exchange_deliveries` (`delivered_at`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `exchange_deliveries_dead_idx` ON `exchange_deliveries` (`dead_at`);--> statement-breakpoint
CREATE TABLE `exchange_nonces` (
	`partner_id` integer NOT NULL,
	`nonce` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`partner_id`, `nonce`)
);
--> statement-breakpoint
CREATE INDEX `exchange_nonces_expires_idx` ON `exchange_nonces` (`expires_at`);--> statement-breakpoint
CREATE TABLE `exchange_partners` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`scopes` text NOT NULL,
	`secret_sealed` blob NOT NULL,
	`public_key` text,
	`webhook_url` text,
	`requests_per_minute` integer DEFAULT 120 NOT NULL,
	`disabled_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exchange_partners_key_unique` ON `exchange_partners` (`key`);--> statement-breakpoint
CREATE TABLE `exchange_work_orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`partner_id` integer NOT NULL,
	`work_order_no` text NOT NULL,
	`content_hash` text NOT NULL,
	`report_id` integer,
	`last_status` text,
	`event_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exchange_work_orders_partner_no_idx` ON `exchange_work_orders` (`partner_id`,`work_order_no`);--> statement-breakpoint
CREATE INDEX `exchange_work_orders_report_idx` ON `exchange_work_orders` (`report_id`);