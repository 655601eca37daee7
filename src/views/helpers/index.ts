// Every Handlebars helper, one per file (DESIGN.md §6). Add a file, then list it here.
import array from './array.js';
import concat from './concat.js';
import date from './date.js';
import datetime from './datetime.js';
import eq from './eq.js';
import includes from './includes.js';
import t from './t.js';

export const helpers: Record<string, (...args: never[]) => unknown> = { t, eq, includes, array, concat, date, datetime };
