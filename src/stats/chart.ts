// Geometry of the server-rendered bar charts (views/stats/partials/bar-chart.hbs draws them, so
// every label goes through Handlebars' escaping). Horizontal bars: long Chinese labels fit.

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
  width: number;
  height: number;
  labelX: number;
  barX: number;
  barHeight: number;
  bars: { label: string; text: string; y: number; textY: number; barWidth: number; valueX: number }[];
}

const ROW = 26;
const BAR = 16;
const FONT = 13;
const VALUE_WIDTH = 70;
const MAX_LABEL = 260;

/** Width of a label in font sizes: CJK characters are one, Latin letters and digits about 0.6. */
function ems(label: string): number {
  return [...label].reduce((w, ch) => w + ((ch.codePointAt(0) ?? 0) > 0x2e7f ? 1 : 0.6), 0);
}

/** The label, shortened with an ellipsis to fit `room` font sizes (the full name is in the table). */
function fit(label: string, room: number): string {
  if (ems(label) <= room) return label;
  let out = '';
  for (const ch of label) {
    if (ems(out + ch) > room - 1) break;
    out += ch;
  }
  return `${out}…`;
}

export function barChart(id: string, title: string, desc: string, bars: Bar[], width = 640): Chart {
  const max = Math.max(0, ...bars.map((b) => b.value ?? 0));
  const labelWidth = Math.min(MAX_LABEL, Math.max(80, 16 + FONT * Math.max(0, ...bars.map((b) => ems(b.label)))));
  const room = (labelWidth - 16) / FONT;
  const span = width - labelWidth - VALUE_WIDTH;
  return {
    id,
    title,
    desc,
    width,
    height: Math.max(ROW, bars.length * ROW) + 8,
    labelX: labelWidth - 8,
    barX: labelWidth,
    barHeight: BAR,
    bars: bars.map((b, i) => {
      const y = 4 + i * ROW + (ROW - BAR) / 2;
      const barWidth = b.value && max > 0 ? Math.max(1, Math.round((b.value / max) * span)) : 0;
      return { label: fit(b.label, room), text: b.text, y, textY: y + BAR - 3, barWidth, valueX: labelWidth + barWidth + 6 };
    }),
  };
}
