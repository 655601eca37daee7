// The conclude form offers answer templates (常用答复), which src/templates keeps. Templates depend
// on reports (their categories), so reports does not import them: src/templates provides its two
// lookups here when its routes are registered, and the report page asks through these (issue 17:
// no two features import each other). Without a provider the form simply offers none.
import type { Executor } from '../db/executor.js';

/** A template as the conclude form lists it. */
export interface AnswerTemplateChoice {
  id: number;
  title: string;
  /** A province-wide template, not the unit's own. */
  province: boolean;
}

export interface AnswerTemplateSource {
  /** The templates a unit may use for a category: its own first, then the province's. */
  choices(db: Executor, unitId: number, category: string): Promise<AnswerTemplateChoice[]>;
  /** One template's text, if the unit may use it; undefined otherwise. */
  text(db: Executor, unitId: number, id: number): Promise<{ id: number; body: string } | undefined>;
}

let source: AnswerTemplateSource | null = null;

/** Called by src/templates when its routes are registered; a later call replaces the earlier one. */
export function provideAnswerTemplates(provider: AnswerTemplateSource): void {
  source = provider;
}

/** The templates the conclude form lists for a report of `category` handled by `unitId`. */
export async function answerTemplateChoices(db: Executor, unitId: number, category: string): Promise<AnswerTemplateChoice[]> {
  return source ? source.choices(db, unitId, category) : [];
}

/** The text a chosen template prefills the answer with (GET ?template=ID), if the unit may use it. */
export async function answerTemplateText(db: Executor, unitId: number, id: number): Promise<{ id: number; body: string } | undefined> {
  return source ? source.text(db, unitId, id) : undefined;
}
