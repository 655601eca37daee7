// Legal clocks: the working-day calendar, the deadlines of the law, and where a clock stands.
// No database, no environment: the caller passes the holiday overrides, and buildApp sets the
// deployment's stricter periods once (useRules, SUNSHINE_CLOCK_RULES).
export { createCalendar, type Calendar, type DayInfo, type Flagged, type HolidayOverride } from './calendar.js';
export { addDays, daysBetween, toCstDate, todayInChina, type DateInput, type IsoDate } from './dates.js';
export { packageYears } from './holiday-data.js';
export {
  activeRules,
  computeDeadline,
  DEFAULT_RULES,
  overrideProblems,
  parseRuleOverrides,
  PUBLIC_WINDOWS,
  RULE_IDS,
  ruleTable,
  useRules,
  type ClockRule,
  type Deadline,
  type PeriodUnit,
  type RuleId,
  type RuleOverrides,
  type RuleTable,
  type Stretch,
} from './rules.js';
export { clockDue, clockState, clockStatus, type Clock, type ClockDue, type ClockState, type ClockStateOptions, type Pause } from './state.js';
export {
  answerReceivedOn,
  assignmentObjectionDue,
  clockOf,
  dueFrom,
  handlingClockOf,
  handlingDueOf,
  hearingOpen,
  reviewAnswerClockOf,
  maxExtensionDays,
  pausesOf,
  reviewWindowOf,
  ruleFor,
  type ClockEvent,
  type ClockView,
  type ReviewWindow,
} from './report.js';
