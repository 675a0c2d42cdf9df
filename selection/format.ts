import type { Needs } from './needs';
import { SCORE_FORMULA, formatUsd, type Ranking } from './rank';

/** The needs in words: `context ≥ 16000 tokens; reads text; languages en, fr`. */
export function describeNeeds(needs: Needs): string {
  const parts: string[] = [];
  if (needs.minContextWindowTokens !== undefined) parts.push(`context ≥ ${needs.minContextWindowTokens} tokens`);
  if (needs.inputModalities?.length) parts.push(`reads ${needs.inputModalities.join(', ')}`);
  if (needs.languages?.length) parts.push(`languages ${needs.languages.join(', ')}`);
  if (needs.toolUse) parts.push('tool use');
  if (needs.streaming) parts.push('streaming');
  if (needs.hosting) parts.push(`on ${needs.hosting}`);
  parts.push(needs.allowDeprecated ? 'legacy and deprecated allowed' : 'not legacy, deprecated or retired');
  return parts.join('; ');
}

/** The ranking as people read it: a table of the candidates with their reasons, then the excluded models. */
export function formatRanking(title: string, needs: Needs, ranking: Ranking, top = Infinity): string {
  const t = ranking.traffic;
  const w = ranking.weights;
  const lines = [
    title,
    `needs: ${describeNeeds(needs)}; served in ${ranking.region}`,
    `traffic: ${t.inputTokensPerRequest} input + ${t.outputTokensPerRequest} output tokens per request, ${t.requestsPerDay} requests/day (${ranking.trafficSource === 'default' ? 'default shape' : ranking.trafficSource === 'environment' ? "the environment's costAssumptions" : 'the needs file'})`,
    `weights: quality ${w.quality.toFixed(2)}, latency ${w.latency.toFixed(2)}, cost ${w.cost.toFixed(2)}`,
    SCORE_FORMULA,
    '',
  ];
  const shown = ranking.ranked.slice(0, top);
  if (shown.length === 0) lines.push('No model meets these needs.');
  shown.forEach((m, i) => {
    const mark = (measured: boolean): string => (measured ? '' : ' (unmeasured)');
    const cost =
      m.costPer1kRequestsUsd === undefined ? 'cost unknown' : `$${formatUsd(m.costPer1kRequestsUsd)}/1k requests`;
    lines.push(
      `${i + 1}. ${m.id}  score ${m.score.toFixed(3)}  quality ${m.quality.value.toFixed(2)}${mark(m.quality.measured)}  p50 ${Math.round(m.latencyP50Ms.value)} ms${mark(m.latencyP50Ms.measured)}  ${cost}`,
    );
    for (const r of m.reasons) lines.push(`     - ${r}`);
  });
  if (ranking.ranked.length > shown.length)
    lines.push(`(${ranking.ranked.length - shown.length} more; --top shows more)`);
  if (ranking.excluded.length > 0) {
    lines.push('', 'Excluded:');
    for (const e of ranking.excluded) lines.push(`  ${e.id}: ${e.failed.join('; ')}`);
  }
  return lines.join('\n');
}
