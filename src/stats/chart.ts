// The server-rendered bar charts (views/stats/partials/bar-chart.hbs draws them, so every label
// goes through Handlebars' escaping). Horizontal bars: long Chinese labels fit.

export interface Bar {
  label: string;
  /** null when the value is suppressed or not applicable: no bar, only the text. */
  value: number | null;
  text: string;
}

export interface Chart {
  id: string;
  title: string;
  desc: string;
  /** Each bar's length in percent of the longest (0 for none): drawn as a stretched SVG rect, not an inline style (the CSP allows no inline styles). */
  bars: { label: string; text: string; percent: number }[];
}

/**
 * A bar chart as HTML: each label and value is page text at the page's font size (care mode too),
 * so a phone does not shrink it, unlike the whole-chart SVG it replaces (issue 20 item 6: labels
 * drawn at about 7 px at 375 px wide). Labels are not shortened: they wrap.
 */
export function barChart(id: string, title: string, desc: string, bars: Bar[]): Chart {
  const max = Math.max(0, ...bars.map((b) => b.value ?? 0));
  return {
    id,
    title,
    desc,
    bars: bars.map((b) => ({
      label: b.label,
      text: b.text,
      percent: b.value && max > 0 ? Math.max(0.5, Math.round((b.value / max) * 1000) / 10) : 0,
    })),
  };
}
