import type { RouterRequest } from './request';

/** What the selection rules look at, computed once per request. */
export interface RequestFeatures {
  /** Estimated input tokens: ~4 characters per token of all text (messages, system, tool specs and results), plus a flat IMAGE_TOKENS per image and DOCUMENT_TOKENS per document. An estimate, not a tokenizer. */
  readonly inputTokens: number;
  readonly hasImages: boolean;
  readonly hasDocuments: boolean;
  readonly hasVideo: boolean;
  readonly usesTools: boolean;
  /** Converse-only model fields (additionalModelRequestFields, additionalModelResponseFieldPaths): only Bedrock can honour them. */
  readonly usesConverseFields: boolean;
  /** metadata.language, else a cheap guess from stop words, else undefined. */
  readonly language?: string;
  /** inferenceConfig.maxTokens, if given. */
  readonly maxTokens?: number;
}

export const CHARS_PER_TOKEN = 4;
export const IMAGE_TOKENS = 1_600;
export const DOCUMENT_TOKENS = 4_000;

/** A few frequent words per language: enough to tell the European languages the catalog routes on. */
const STOP_WORDS: Readonly<Record<string, readonly string[]>> = {
  en: ['the', 'and', 'is', 'are', 'what', 'with', 'you', 'this', 'of', 'to'],
  fr: ['le', 'la', 'les', 'est', 'et', 'une', 'des', 'pour', 'vous', 'avec', 'que', 'dans'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ein', 'eine', 'mit', 'ich', 'sie', 'wie'],
  es: ['el', 'los', 'las', 'es', 'y', 'una', 'por', 'para', 'con', 'que', 'cómo', 'está'],
  it: ['il', 'gli', 'della', 'è', 'e', 'una', 'per', 'con', 'che', 'sono', 'come', 'non'],
};

/** Guesses a language from stop words in the first 2,000 characters; undefined when unsure. */
export function guessLanguage(text: string): string | undefined {
  const words = text
    .slice(0, 2000)
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter(Boolean);
  if (words.length < 3) return undefined;
  let best: string | undefined;
  let bestScore = 0;
  for (const [lang, list] of Object.entries(STOP_WORDS)) {
    const set = new Set(list);
    const score = words.filter((w) => set.has(w)).length;
    if (score > bestScore) [best, bestScore] = [lang, score];
  }
  return bestScore >= 2 ? best : undefined;
}

export function requestFeatures(req: RouterRequest): RequestFeatures {
  let chars = 0;
  let images = 0;
  let documents = 0;
  let video = false;
  let userText = '';
  for (const s of req.system ?? []) chars += s.text?.length ?? 0;
  for (const m of req.messages) {
    for (const b of m.content ?? []) {
      if (b.text !== undefined) {
        chars += b.text.length;
        if (m.role === 'user' && userText.length < 2000) userText += ` ${b.text}`;
      } else if (b.image !== undefined) images++;
      else if (b.document !== undefined) documents++;
      else if (b.video !== undefined) video = true;
      else chars += JSON.stringify(b).length;
    }
  }
  if (req.toolConfig) chars += JSON.stringify(req.toolConfig).length;
  const language = req.metadata.language ?? guessLanguage(userText);
  return {
    inputTokens: Math.ceil(chars / CHARS_PER_TOKEN) + images * IMAGE_TOKENS + documents * DOCUMENT_TOKENS,
    hasImages: images > 0,
    hasDocuments: documents > 0,
    hasVideo: video,
    usesTools: req.toolConfig !== undefined,
    usesConverseFields:
      req.additionalModelRequestFields !== undefined || req.additionalModelResponseFieldPaths !== undefined,
    language,
    maxTokens: req.inferenceConfig?.maxTokens,
  };
}
