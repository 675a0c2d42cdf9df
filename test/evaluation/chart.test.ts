import { Resvg } from '@resvg/resvg-js';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { CHART, renderChart } from '../../evaluation/chart';
import type { ModelSummary } from '../../evaluation/measures';

const summary = (
  model: string,
  quality: number,
  costPer1kRequestsUsd: number | undefined,
  latencyP50Ms: number,
): ModelSummary => ({
  model,
  examples: 10,
  answered: 10,
  failed: 0,
  quality,
  latencyP50Ms,
  latencyP95Ms: latencyP50Ms * 1.2,
  outputTokensPerSecond: 50,
  inputTokens: 100,
  outputTokens: 50,
  ...(costPer1kRequestsUsd !== undefined ? { costUsd: costPer1kRequestsUsd / 100, costPer1kRequestsUsd } : {}),
});

const MODELS = [
  summary('claude-sonnet-4', 0.9, 0.2, 86),
  summary('nova-micro', 0.65, 0.0023, 42),
  summary('claude-3-haiku', 0.3, 0.018, 43),
  summary('llama-3-8b-support-lora', 0.7, undefined, 30),
];

/** A strict XML parse: any well-formedness error throws. */
function parseSvg(svg: string): Document {
  return new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
}

/** Elements by tag name and class, e.g. all('g', 'mark'), optionally under a parent of tag.class. */
function all(doc: Document | Element, tag: string, cls?: string): Element[] {
  return [...doc.getElementsByTagName(tag)].filter(
    (e) => cls === undefined || (e.getAttribute('class') ?? '').split(' ').includes(cls),
  );
}

function textsIn(doc: Document, parentTag: string, parentClass: string): (string | null)[] {
  return all(doc, parentTag, parentClass).flatMap((p) => all(p, 'text').map((t) => t.textContent));
}

function hex(color: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)) as [number, number, number];
}

describe('renderChart', () => {
  const chart = renderChart(MODELS, 'classification.jsonl on local simulator: cost against quality');

  it('is well-formed SVG with one labelled mark per priced model, and names the one it leaves out', () => {
    const doc = parseSvg(chart.svg);
    expect(doc.documentElement?.nodeName).toBe('svg');
    const marks = all(doc, 'g', 'mark');
    expect(marks.map((g) => g.getAttribute('data-model')).sort()).toEqual([
      'claude-3-haiku',
      'claude-sonnet-4',
      'nova-micro',
    ]);
    for (const g of marks) {
      expect(all(g, 'circle')).toHaveLength(1);
      expect(all(g, 'text', 'label').map((t) => t.textContent)).toEqual([g.getAttribute('data-model')]);
    }
    expect(chart.omitted).toEqual([{ model: 'llama-3-8b-support-lora', why: 'no per-token price' }]);
    expect(all(doc, 'text', 'omitted').map((t) => t.textContent)).toEqual([
      'Not plotted: llama-3-8b-support-lora (no per-token price)',
    ]);
  });

  it('uses a log cost axis when the costs span decades, with ticks, titles and a size legend', () => {
    const doc = parseSvg(chart.svg);
    expect(chart.xScale).toBe('log');
    expect(textsIn(doc, 'g', 'x-ticks')).toEqual(['$0.001', '$0.01', '$0.1', '$1']);
    expect(textsIn(doc, 'g', 'y-ticks')).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(all(doc, 'text', 'x-title').map((t) => t.textContent)).toEqual([
      'Cost per 1,000 requests (USD, log scale) — cheaper to the left',
    ]);
    expect(all(doc, 'text', 'y-title').map((t) => t.textContent)).toEqual(['Quality (mean score, 0–1) — better up']);
    expect(textsIn(doc, 'g', 'legend')).toEqual(['p50 latency', '90 ms', '20 ms', '5 ms']);
  });

  it('places higher quality higher, lower cost further left, and longer latency as a larger mark', () => {
    const at = Object.fromEntries(chart.marks.map((m) => [m.model, m]));
    expect(at['claude-sonnet-4'].cy).toBeLessThan(at['nova-micro'].cy);
    expect(at['nova-micro'].cy).toBeLessThan(at['claude-3-haiku'].cy);
    expect(at['nova-micro'].cx).toBeLessThan(at['claude-3-haiku'].cx);
    expect(at['claude-3-haiku'].cx).toBeLessThan(at['claude-sonnet-4'].cx);
    expect(at['claude-sonnet-4'].r).toBe(CHART.maxRadius);
    expect(at['nova-micro'].r).toBeCloseTo(CHART.maxRadius * Math.sqrt(42 / 86), 10);
  });

  it("renders to a PNG of the stated size with each mark's colour where the mark is", () => {
    const rendered = new Resvg(chart.svg, { fitTo: { mode: 'original' }, background: '#ffffff' }).render();
    const png = rendered.asPng();
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([CHART.width, CHART.height]);
    const pixel = (x: number, y: number): number[] => {
      const i = (Math.round(y) * rendered.width + Math.round(x)) * 4;
      return [...rendered.pixels.subarray(i, i + 3)];
    };
    for (const m of chart.marks) {
      expect(pixel(m.cx, m.cy)).toEqual(hex(m.color));
      // Outside the mark (beyond its radius, away from labels): not its colour.
      expect(pixel(m.cx, m.cy + m.r + 3)).not.toEqual(hex(m.color));
    }
    // A region of the plot with no mark stays white: bottom-right corner of the plot area.
    expect(pixel(CHART.width - CHART.right - 5, CHART.height - CHART.bottom - 5)).toEqual([255, 255, 255]);
  });

  it('uses a linear cost axis when the costs lie within a decade', () => {
    const linear = renderChart([summary('a-model', 0.5, 0.2, 50), summary('b-model', 0.6, 0.5, 60)], 'linear');
    expect(linear.xScale).toBe('linear');
    const ticks = textsIn(parseSvg(linear.svg), 'g', 'x-ticks');
    expect(ticks).toEqual(['$0.2', '$0.3', '$0.4', '$0.5']);
  });
});

describe("parseSvg (the test's own check)", () => {
  it('fails on SVG that is not well-formed XML', () => {
    expect(() => parseSvg('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>')).toThrow(/fatalError/);
  });
});
