// In-app notices and the claims of deadline reminders (DESIGN.md §6: the one door other features use).
export { claimReminder, markReminderSent, releaseReminder, reminderClaimsOf, sentToEveryone, type ReminderClaim, type ReminderKey } from './repository.js';
