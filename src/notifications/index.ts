// In-app notices and the claims of deadline reminders (DESIGN.md §6: the one door other features use).
// Only this feature reads or writes its tables; other features call these (all async, taking the
// database or a transaction's `tx`).
export { claimReminder, markReminderSent, releaseReminder, reminderClaimsOf, sentToEveryone, type ReminderClaim, type ReminderKey } from './repository.js';
export { recordNotice, noticeCount, noticesOfReport, type InAppNotice } from './repository.js';
