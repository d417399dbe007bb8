// Accessible bar charts drawn on the server as SVG (decision 0021): no script, no style attribute
// (colours are SVG presentation attributes, which a strict CSP allows), an accessible name
// (role="img", <title> and <desc> through aria-labelledby), each bar with its own <title>; every
// chart is followed on its page by a data table with the same figures.

export interface Bar {
  label: string;
  value: number;
}

export interface Series {
  name: string;
  colour: string;
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Colours with a 3:1 contrast at least against white (WCAG 1.4.11, graphical objects). */
export const PALETTE = ['#0b5ed7', '#b02a37', '#146c43', '#6f42c1', '#995c00', '#0a6a7a', '#6c4a12', '#495057'];

const format = (n: number): string => new Intl.NumberFormat('fr-FR').format(n);

/**
 * Vertical bars, one group per category, one bar per series in the group (one series: plain bars).
 * `values[category][series]`.
 */
export function groupedBarChart(options: { id: string; title: string; description: string; categories: string[]; series: Series[]; values: number[][] }): string {
  const { id, categories, series, values } = options;
  const width = 760;
  const height = 300;
  const left = 56;
  const bottom = 56;
  const top = 16;
  const plotH = height - bottom - top;
  const plotW = width - left - 8;
  // Four whole-number steps on the axis (no repeated tick values for small counts).
  const step = Math.max(1, Math.ceil(Math.max(0, ...values.flat()) / 4));
  const max = step * 4;
  const groupW = plotW / Math.max(1, categories.length);
  const barW = Math.max(2, (groupW * 0.8) / Math.max(1, series.length));
  const parts: string[] = [];
  // Axis and four gridlines with their values.
  for (let i = 0; i <= 4; i++) {
    const v = step * i;
    const y = top + plotH - (plotH * i) / 4;
    parts.push(`<line x1="${left}" x2="${width - 8}" y1="${y}" y2="${y}" stroke="#adb5bd" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#212529">${format(v)}</text>`);
  }
  categories.forEach((category, c) => {
    const x0 = left + c * groupW + groupW * 0.1;
    series.forEach((s, k) => {
      const value = values[c]?.[k] ?? 0;
      const h = (plotH * value) / max;
      const x = x0 + k * barW;
      const y = top + plotH - h;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.colour}"><title>${escape(`${category} – ${s.name} : ${format(value)}`)}</title></rect>`,
      );
    });
    const labelX = left + c * groupW + groupW / 2;
    parts.push(`<text x="${labelX.toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" font-size="11" fill="#212529">${escape(category)}</text>`);
  });
  // Legend.
  series.forEach((s, k) => {
    const x = left + k * 150;
    parts.push(`<rect x="${x}" y="${height - 22}" width="12" height="12" fill="${s.colour}"/>`);
    parts.push(`<text x="${x + 16}" y="${height - 12}" font-size="11" fill="#212529">${escape(s.name)}</text>`);
  });
  return [
    `<svg id="${escape(id)}" class="graphique" role="img" aria-labelledby="${escape(id)}-titre ${escape(id)}-desc" viewBox="0 0 ${width} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${escape(id)}-titre">${escape(options.title)}</title>`,
    `<desc id="${escape(id)}-desc">${escape(options.description)}</desc>`,
    ...parts,
    '</svg>',
  ].join('\n');
}
