import { formatUsd } from '../selection/rank';
import type { ModelSummary } from './measures';

/** Tableau 10: distinct hues that stay apart for the colour-blind and in print. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

export const CHART = {
  width: 860,
  height: 560,
  left: 90,
  right: 200,
  top: 70,
  bottom: 80,
  maxRadius: 26,
  minRadius: 5,
} as const;

/** Where a model's mark was drawn, for tests and image maps. */
export interface PlottedMark {
  readonly model: string;
  readonly cx: number;
  readonly cy: number;
  readonly r: number;
  readonly color: string;
}

export interface Chart {
  readonly svg: string;
  readonly marks: readonly PlottedMark[];
  /** Models left out, with why (no per-token price, no answer). */
  readonly omitted: readonly { readonly model: string; readonly why: string }[];
  readonly xScale: 'log' | 'linear';
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number): string => String(Math.round(v * 10) / 10);

/** Ticks for a linear axis: 4 to 10 round values covering [lo, hi]. */
function linearTicks(lo: number, hi: number): { domain: [number, number]; ticks: number[] } {
  if (hi <= lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) / 2;
    return linearTicks(lo - pad, hi + pad);
  }
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const start = Math.max(0, Math.floor(lo / step) * step);
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = start; v <= end + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { domain: [start, end], ticks };
}

/** Ticks for a log axis: every power of ten, with 2 and 5 between when it spans at most two decades. */
function logTicks(lo: number, hi: number): { domain: [number, number]; ticks: number[] } {
  const a = Math.floor(Math.log10(lo));
  const b = Math.max(a + 1, Math.ceil(Math.log10(hi)));
  const ticks: number[] = [];
  for (let e = a; e <= b; e++) {
    ticks.push(10 ** e);
    if (b - a <= 2 && e < b) ticks.push(2 * 10 ** e, 5 * 10 ** e);
  }
  return { domain: [10 ** a, 10 ** b], ticks: ticks.map((t) => Number(t.toPrecision(12))) };
}

/** Round latencies for the size legend: the largest, and about a quarter and a sixteenth of it. */
function legendLatencies(max: number): number[] {
  const round = (v: number): number => {
    const mag = 10 ** Math.floor(Math.log10(v));
    return Math.max(1, Math.round(v / mag) * mag);
  };
  return [...new Set([round(max), round(max / 4), round(max / 16)])].sort((x, y) => y - x);
}

/**
 * An SVG scatter of cost per 1,000 requests (x; log scale when the costs span a decade or more)
 * against quality (y, 0..1), one labelled mark per model whose area is proportional to its p50
 * latency, with axis ticks and titles and a legend for the sizes.
 */
export function renderChart(models: readonly ModelSummary[], title: string): Chart {
  const omitted: { model: string; why: string }[] = [];
  const plotted = models.filter((m) => {
    if (m.answered === 0) omitted.push({ model: m.model, why: 'no answer' });
    // An evaluation job reports scores, not token usage: there is no cost to place the model by.
    else if (m.costPer1kRequestsUsd === undefined && m.inputTokens === 0 && m.outputTokens === 0)
      omitted.push({ model: m.model, why: 'no token usage reported' });
    else if (m.costPer1kRequestsUsd === undefined || m.costPer1kRequestsUsd <= 0)
      omitted.push({ model: m.model, why: 'no per-token price' });
    else return true;
    return false;
  });
  const { width, height, left, right, top, bottom, maxRadius, minRadius } = CHART;
  const x0 = left;
  const x1 = width - right;
  const y0 = height - bottom;
  const y1 = top;
  const costs = plotted.map((m) => m.costPer1kRequestsUsd!);
  const lo = costs.length ? Math.min(...costs) : 1;
  const hi = costs.length ? Math.max(...costs) : 1;
  const xScale: 'log' | 'linear' = costs.length > 1 && hi / lo >= 10 ? 'log' : 'linear';
  const { domain, ticks } = xScale === 'log' ? logTicks(lo, hi) : linearTicks(lo, hi);
  const pad = 24;
  const xOf = (v: number): number => {
    const t =
      xScale === 'log'
        ? (Math.log10(v) - Math.log10(domain[0])) / (Math.log10(domain[1]) - Math.log10(domain[0]))
        : (v - domain[0]) / (domain[1] - domain[0]);
    return x0 + pad + t * (x1 - x0 - 2 * pad);
  };
  const yOf = (q: number): number => y0 - pad - q * (y0 - y1 - 2 * pad);
  const maxLatency = Math.max(1, ...plotted.map((m) => m.latencyP50Ms ?? 0));
  const rOf = (latency: number): number => Math.max(minRadius, maxRadius * Math.sqrt(latency / maxLatency));

  const marks: PlottedMark[] = plotted.map((m, i) => ({
    model: m.model,
    cx: xOf(m.costPer1kRequestsUsd!),
    cy: yOf(m.quality),
    r: rOf(m.latencyP50Ms ?? 0),
    color: PALETTE[i % PALETTE.length],
  }));

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="32" text-anchor="middle" font-size="18" font-weight="bold" fill="#222222">${esc(title)}</text>`,
    '<g class="grid" stroke="#e6e6e6" stroke-width="1">',
    ...ticks.map((t) => `<line x1="${num(xOf(t))}" y1="${y1}" x2="${num(xOf(t))}" y2="${y0}"/>`),
    ...[0, 0.2, 0.4, 0.6, 0.8, 1].map((q) => `<line x1="${x0}" y1="${num(yOf(q))}" x2="${x1}" y2="${num(yOf(q))}"/>`),
    '</g>',
    `<g class="axes" stroke="#444444" stroke-width="1.5"><line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}"/><line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y1}"/></g>`,
    '<g class="x-ticks" font-size="12" fill="#444444" text-anchor="middle">',
    ...ticks.map(
      (t) =>
        `<line x1="${num(xOf(t))}" y1="${y0}" x2="${num(xOf(t))}" y2="${y0 + 6}" stroke="#444444"/><text x="${num(xOf(t))}" y="${y0 + 22}">$${formatUsd(t)}</text>`,
    ),
    '</g>',
    '<g class="y-ticks" font-size="12" fill="#444444" text-anchor="end">',
    ...[0, 0.2, 0.4, 0.6, 0.8, 1].map(
      (q) =>
        `<line x1="${x0 - 6}" y1="${num(yOf(q))}" x2="${x0}" y2="${num(yOf(q))}" stroke="#444444"/><text x="${x0 - 10}" y="${num(yOf(q) + 4)}">${q.toFixed(1)}</text>`,
    ),
    '</g>',
    `<text class="x-title" x="${(x0 + x1) / 2}" y="${height - 28}" text-anchor="middle" font-size="14" fill="#222222">Cost per 1,000 requests (USD${xScale === 'log' ? ', log scale' : ''}) — cheaper to the left</text>`,
    `<text class="y-title" transform="translate(28 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle" font-size="14" fill="#222222">Quality (mean score, 0–1) — better up</text>`,
    '<g class="marks">',
  ];
  // Largest first, so a small mark is never hidden under a large one.
  const order = [...marks].sort((a, b) => b.r - a.r);
  for (const m of order) {
    const s = plotted.find((p) => p.model === m.model)!;
    const labelRight = m.cx + m.r + 6 + m.model.length * 7 < width - right + 10;
    const lx = labelRight ? m.cx + m.r + 5 : m.cx - m.r - 5;
    out.push(
      `<g class="mark" data-model="${esc(m.model)}">`,
      `<title>${esc(`${m.model}: quality ${s.quality.toFixed(3)}, $${formatUsd(s.costPer1kRequestsUsd!)} per 1k requests, p50 ${Math.round(s.latencyP50Ms ?? 0)} ms`)}</title>`,
      `<circle cx="${num(m.cx)}" cy="${num(m.cy)}" r="${num(m.r)}" fill="${m.color}" stroke="#ffffff" stroke-width="1.5"/>`,
      `<text class="label" x="${num(lx)}" y="${num(m.cy + 4)}" font-size="12" fill="#222222" text-anchor="${labelRight ? 'start' : 'end'}">${esc(m.model)}</text>`,
      '</g>',
    );
  }
  out.push('</g>');
  // Size legend: circles drawn exactly as the marks are, for round latencies.
  const lx = width - right + 40;
  out.push(
    `<g class="legend"><text x="${lx - 20}" y="${top + 10}" font-size="13" font-weight="bold" fill="#222222">p50 latency</text>`,
  );
  let ly = top + 30;
  for (const l of legendLatencies(maxLatency)) {
    const r = rOf(l);
    ly += r;
    out.push(
      `<circle cx="${lx}" cy="${num(ly)}" r="${num(r)}" fill="none" stroke="#666666" stroke-width="1.2"/><text x="${lx + maxRadius + 8}" y="${num(ly + 4)}" font-size="12" fill="#444444">${l} ms</text>`,
    );
    ly += r + 10;
  }
  out.push('</g>');
  if (omitted.length > 0) {
    out.push(
      `<text class="omitted" x="${x0}" y="${height - 8}" font-size="11" fill="#777777">${esc(`Not plotted: ${omitted.map((o) => `${o.model} (${o.why})`).join(', ')}`)}</text>`,
    );
  }
  out.push('</svg>');
  return { svg: `${out.join('\n')}\n`, marks, omitted, xScale };
}
