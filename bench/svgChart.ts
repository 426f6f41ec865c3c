/**
 * Plain SVG charts for the committed bench results (bench/results/*.svg): a line chart (a figure
 * against a size, e.g. ingest rate against receipts stored, reconciliation calls against records)
 * and a grouped bar chart (e.g. calls per operation). Self-contained SVG 1.1 with no script or
 * external font, so GitHub renders it inline from bench/README.md.
 */

export interface Guide {
  /** A horizontal line at this y value, e.g. a goal. */
  y: number;
  label: string;
}

export interface LineSeries {
  name: string;
  /** One y per x category, in the order of `categories`; null leaves a gap (not measured). */
  values: Array<number | null>;
}

export interface LineChartOptions {
  title: string;
  /** x positions, evenly spaced (sizes such as "0", "100 k", "1 M" are orders of magnitude apart). */
  categories: string[];
  series: LineSeries[];
  xLabel: string;
  yLabel: string;
  guides?: Guide[];
}

export interface BarSeries {
  name: string;
  values: Array<number | null>;
}

export interface BarChartOptions {
  title: string;
  categories: string[];
  series: BarSeries[];
  yLabel: string;
  /** A short tick per category (e.g. the goal for that operation), drawn across its group. */
  limits?: Array<number | null>;
  guides?: Guide[];
}

const WIDTH = 720;
const HEIGHT = 400;
const MARGIN = { top: 48, right: 180, bottom: 64, left: 72 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
// Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fixed = (n: number) => Number(n.toFixed(1)).toString();

/** 1, 2 or 5 × 10^k steps, about five of them up to `max`. */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough)!;
  const ticks: number[] = [];
  for (let t = 0; t < max + step; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const formatTick = (n: number) =>
  n >= 1_000_000 ? `${n / 1_000_000} M` : n >= 10_000 ? `${n / 1_000} k` : String(n);

function frame(title: string, yLabel: string, xLabel: string, yTicks: number[], body: string[]): string {
  const yMax = yTicks[yTicks.length - 1]!;
  const y = (v: number) => MARGIN.top + PLOT_H - (v / yMax) * PLOT_H;
  const axis = yTicks.map(
    (t) =>
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${fixed(y(t))}" y2="${fixed(y(t))}" stroke="#e5e5e5"/>` +
      `<text x="${MARGIN.left - 8}" y="${fixed(y(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...axis,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_H}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${MARGIN.top + PLOT_H}" y2="${MARGIN.top + PLOT_H}" stroke="#333"/>`,
    `<text transform="translate(18 ${MARGIN.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
    `<text x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 14}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function legend(entries: Array<{ name: string; colour: string }>): string[] {
  return entries.map(({ name, colour }, i) => {
    const top = MARGIN.top + 8 + i * 20;
    const x = MARGIN.left + PLOT_W + 16;
    return (
      `<rect x="${x}" y="${top}" width="12" height="12" fill="${colour}"/>` +
      `<text x="${x + 18}" y="${top + 10}">${escapeXml(name)}</text>`
    );
  });
}

const colourOf = (i: number) => COLOURS[i % COLOURS.length]!;
const seriesLegend = (series: Array<{ name: string }>) =>
  series.map((s, i) => ({ name: s.name, colour: colourOf(i) }));

function guideLines(guides: Guide[], y: (v: number) => number): string[] {
  return guides.map(
    (g) =>
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${fixed(y(g.y))}" y2="${fixed(y(g.y))}" stroke="#999" stroke-dasharray="6 4"/>` +
      `<text x="${MARGIN.left + PLOT_W - 4}" y="${fixed(y(g.y) - 5)}" text-anchor="end" fill="#666">${escapeXml(g.label)}</text>`,
  );
}

const maxOf = (values: Array<number | null | undefined>) =>
  Math.max(0, ...values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));

export function lineChart(options: LineChartOptions): string {
  const guides = options.guides ?? [];
  const ticks = niceTicks(maxOf([...options.series.flatMap((s) => s.values), ...guides.map((g) => g.y)]));
  const yMax = ticks[ticks.length - 1]!;
  const n = options.categories.length;
  const x = (i: number) => MARGIN.left + (n === 1 ? PLOT_W / 2 : 24 + (i * (PLOT_W - 48)) / (n - 1));
  const y = (v: number) => MARGIN.top + PLOT_H - (v / yMax) * PLOT_H;
  const body = [
    ...options.categories.map(
      (c, i) =>
        `<text x="${fixed(x(i))}" y="${MARGIN.top + PLOT_H + 18}" text-anchor="middle">${escapeXml(c)}</text>`,
    ),
    ...guideLines(guides, y),
    ...options.series.flatMap((s, si) => {
      const colour = colourOf(si);
      const points = s.values
        .map((v, i) => (v === null ? null : { px: x(i), py: y(v), v }))
        .filter((p): p is { px: number; py: number; v: number } => p !== null);
      const path = points.map((p, i) => `${i ? 'L' : 'M'}${fixed(p.px)} ${fixed(p.py)}`).join(' ');
      return [
        `<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`,
        ...points.map(
          (p) =>
            `<circle cx="${fixed(p.px)}" cy="${fixed(p.py)}" r="4" fill="${colour}"><title>${escapeXml(`${s.name}: ${p.v}`)}</title></circle>`,
        ),
      ];
    }),
    ...legend(seriesLegend(options.series)),
  ];
  return frame(options.title, options.yLabel, options.xLabel, ticks, body);
}

export function barChart(options: BarChartOptions): string {
  const guides = options.guides ?? [];
  const limits = options.limits ?? [];
  const ticks = niceTicks(
    maxOf([...options.series.flatMap((s) => s.values), ...limits, ...guides.map((g) => g.y)]),
  );
  const yMax = ticks[ticks.length - 1]!;
  const y = (v: number) => MARGIN.top + PLOT_H - (v / yMax) * PLOT_H;
  const group = PLOT_W / options.categories.length;
  const barWidth = (group * 0.7) / Math.max(1, options.series.length);
  const body = [
    ...options.categories.map(
      (c, i) =>
        `<text x="${fixed(MARGIN.left + group * (i + 0.5))}" y="${MARGIN.top + PLOT_H + 18}" text-anchor="middle">${escapeXml(c)}</text>`,
    ),
    ...options.series.flatMap((s, si) =>
      s.values.flatMap((v, i) => {
        if (v === null) return [];
        const left = MARGIN.left + group * i + group * 0.15 + si * barWidth;
        return [
          `<rect x="${fixed(left)}" y="${fixed(y(v))}" width="${fixed(barWidth - 2)}" height="${fixed(MARGIN.top + PLOT_H - y(v))}" fill="${colourOf(si)}"><title>${escapeXml(`${s.name}, ${options.categories[i]}: ${v}`)}</title></rect>`,
          `<text x="${fixed(left + barWidth / 2 - 1)}" y="${fixed(y(v) - 4)}" text-anchor="middle" font-size="11">${v}</text>`,
        ];
      }),
    ),
    ...limits.flatMap((limit, i) =>
      limit === null
        ? []
        : [
            `<line x1="${fixed(MARGIN.left + group * i + group * 0.08)}" x2="${fixed(MARGIN.left + group * (i + 0.92))}" y1="${fixed(y(limit))}" y2="${fixed(y(limit))}" stroke="#333" stroke-width="2" stroke-dasharray="4 3"><title>${escapeXml(`goal ≤ ${limit}`)}</title></line>`,
          ],
    ),
    ...guideLines(guides, y),
    ...legend([
      ...seriesLegend(options.series),
      ...(limits.length ? [{ name: 'goal (dashed)', colour: '#333' }] : []),
    ]),
  ];
  return frame(options.title, options.yLabel, '', ticks, body);
}
