CREATE INDEX `reports_due_sort_idx` ON `reports` (coalesce(`due_on`, '9999-12-31'),`id`);
