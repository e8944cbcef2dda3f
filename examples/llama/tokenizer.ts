// Tokenizers: characters (the default: one token per distinct character of the corpus) and
// byte-level BPE (GPT-2 style: text is split into words by a regular expression, each word
// is UTF-8 bytes, and the most frequent adjacent pair is merged into a new token until the
// vocabulary is full). Both serialize to JSON, which checkpoints keep in their metadata.

export type TokenizerSpec = { type: "char"; chars: string[] } | { type: "bpe"; merges: [number, number][] };

export interface Tokenizer {
  readonly vocabSize: number;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** The UTF-8 bytes of one token (a BPE token may hold part of a character). */
  tokenBytes(id: number): Uint8Array;
  toJSON(): TokenizerSpec;
}

const utf8 = new TextEncoder();

/** One token per character (code point) of `chars`, in the given order. */
export class CharTokenizer implements Tokenizer {
  private readonly index = new Map<string, number>();

  constructor(readonly chars: readonly string[]) {
    chars.forEach((c, i) => this.index.set(c, i));
    if (this.index.size !== chars.length) throw new Error("CharTokenizer: the characters must be distinct.");
  }

  /** The distinct characters of `text`, sorted by code point (83 for Moby Dick). */
  static fromText(text: string): CharTokenizer {
    return new CharTokenizer([...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  get vocabSize(): number {
    return this.chars.length;
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const c of text) {
      const id = this.index.get(c);
      if (id === undefined)
        throw new Error(
          `CharTokenizer: the character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}) is not in the vocabulary.`,
        );
      ids.push(id);
    }
    return ids;
  }

  decode(ids: readonly number[]): string {
    return ids.map((i) => this.char(i)).join("");
  }

  tokenBytes(id: number): Uint8Array {
    return utf8.encode(this.char(id));
  }

  private char(id: number): string {
    const c = this.chars[id];
    if (c === undefined) throw new RangeError(`CharTokenizer: token ${id} is outside the vocabulary of ${this.chars.length}.`);
    return c;
  }

  toJSON(): TokenizerSpec {
    return { type: "char", chars: [...this.chars] };
  }
}

/**
 * GPT-2's pre-tokenization: contractions, words with an optional leading space, numbers,
 * runs of punctuation, and whitespace; merges never cross these boundaries.
 */
const WORDS = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const pairKey = (a: number, b: number) => a * 65536 + b;

/** Replaces every occurrence of (a, b) in `word` by `id`. */
function mergeWord(word: number[], a: number, b: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < word.length; i++) {
    if (i + 1 < word.length && word[i] === a && word[i + 1] === b) {
      out.push(id);
      i++;
    } else out.push(word[i]!);
  }
  return out;
}

/** Byte-level BPE: tokens 0-255 are bytes, token 256 + i is merges[i]. */
export class BpeTokenizer implements Tokenizer {
  private readonly bytes: Uint8Array[] = [];
  private readonly rank = new Map<number, number>();
  private readonly cache = new Map<string, number[]>();

  constructor(readonly merges: readonly (readonly [number, number])[]) {
    for (let i = 0; i < 256; i++) this.bytes.push(Uint8Array.of(i));
    merges.forEach(([a, b], i) => {
      const [x, y] = [this.bytes[a], this.bytes[b]];
      if (!x || !y) throw new Error(`BpeTokenizer: merge ${i} joins tokens ${a} and ${b}, which do not exist yet.`);
      const joined = new Uint8Array(x.length + y.length);
      joined.set(x);
      joined.set(y, x.length);
      this.bytes.push(joined);
      this.rank.set(pairKey(a, b), i);
    });
  }

  /**
   * Learns merges from `text` until the vocabulary has `vocabSize` tokens: each round merges
   * the most frequent adjacent pair over all words (ties go to the smaller pair of ids).
   */
  static train(text: string, vocabSize: number): BpeTokenizer {
    if (!Number.isInteger(vocabSize) || vocabSize < 256 || vocabSize > 65536) {
      throw new RangeError(`BpeTokenizer.train: the vocabulary size must be an integer in [256, 65536], got ${vocabSize}.`);
    }
    const counts = new Map<string, number>();
    for (const w of text.match(WORDS) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
    const words = [...counts].map(([w, n]) => ({ ids: [...utf8.encode(w)], n }));
    // pair -> its count over all words, and the words it occurs in; a merge only touches those
    const pairCount = new Map<number, number>();
    const pairWords = new Map<number, Set<number>>();
    const count = (wi: number, sign: 1 | -1) => {
      const { ids, n } = words[wi]!;
      for (let i = 0; i + 1 < ids.length; i++) {
        const k = pairKey(ids[i]!, ids[i + 1]!);
        const c = (pairCount.get(k) ?? 0) + sign * n;
        if (c === 0) pairCount.delete(k);
        else pairCount.set(k, c);
        if (sign > 0) {
          let set = pairWords.get(k);
          if (!set) pairWords.set(k, (set = new Set()));
          set.add(wi);
        }
      }
    };
    words.forEach((_, wi) => count(wi, 1));
    const merges: [number, number][] = [];
    while (256 + merges.length < vocabSize) {
      let best = -1;
      let bestCount = 0;
      for (const [k, c] of pairCount) if (c > bestCount || (c === bestCount && k < best)) [best, bestCount] = [k, c];
      if (best < 0 || bestCount < 2) break; // nothing left worth merging
      const a = Math.floor(best / 65536);
      const b = best % 65536;
      const id = 256 + merges.length;
      merges.push([a, b]);
      // the sets may list words the pair has since left (they are not pruned): recounting is exact either way
      for (const wi of pairWords.get(best) ?? []) {
        count(wi, -1);
        words[wi]!.ids = mergeWord(words[wi]!.ids, a, b, id);
        count(wi, 1);
      }
      pairWords.delete(best);
    }
    return new BpeTokenizer(merges);
  }

  get vocabSize(): number {
    return 256 + this.merges.length;
  }

  /** A word's tokens: merge the adjacent pair of lowest rank until none is a merge. */
  private encodeWord(word: string): number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    let ids = [...utf8.encode(word)];
    for (;;) {
      let bestRank = Infinity;
      let at = -1;
      for (let i = 0; i + 1 < ids.length; i++) {
        const r = this.rank.get(pairKey(ids[i]!, ids[i + 1]!));
        if (r !== undefined && r < bestRank) [bestRank, at] = [r, i];
      }
      if (at < 0) break;
      const [a, b] = this.merges[bestRank]!;
      ids = mergeWord(ids, a, b, 256 + bestRank);
    }
    this.cache.set(word, ids);
    return ids;
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const w of text.match(WORDS) ?? []) for (const id of this.encodeWord(w)) ids.push(id);
    return ids;
  }

  decode(ids: readonly number[]): string {
    const parts = ids.map((i) => this.tokenBytes(i));
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return new TextDecoder().decode(all);
  }

  tokenBytes(id: number): Uint8Array {
    const b = this.bytes[id];
    if (!b) throw new RangeError(`BpeTokenizer: token ${id} is outside the vocabulary of ${this.vocabSize}.`);
    return b;
  }

  toJSON(): TokenizerSpec {
    return { type: "bpe", merges: this.merges.map(([a, b]) => [a, b]) };
  }
}

export function tokenizerFromJSON(spec: TokenizerSpec): Tokenizer {
  switch (spec.type) {
    case "char":
      return new CharTokenizer(spec.chars);
    case "bpe":
      return new BpeTokenizer(spec.merges);
    default:
      throw new Error(
        `tokenizerFromJSON: unknown tokenizer type ${JSON.stringify((spec as { type: unknown }).type)}; expected "char" or "bpe".`,
      );
  }
}
