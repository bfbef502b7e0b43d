/**
 * vocab — a WordPiece vocabulary and its BERT `vocab.txt` form.
 *
 * vocab.txt holds one token per line, UTF-8, and a token's id is its line number (from 0), as
 * Google's BERT and Hugging Face's `BertTokenizer` read it. A token that continues a word starts
 * with `##` ("playing" → "play", "##ing"). We read "\n" or "\r\n" line ends, ignore the newline
 * after the last token, and refuse empty lines and duplicate tokens (the readers above would
 * silently give the token its later line).
 *
 * Special tokens. Sapling's trainer puts [PAD] [UNK] [CLS] [SEP] [MASK] first, at ids 0…4.
 * That is the relative order of Google's uncased vocabularies, where [PAD] = 0 and, after 99
 * "[unusedN]" slots, [UNK] = 100, [CLS] = 101, [SEP] = 102, [MASK] = 103 (bert-base-uncased);
 * we keep the order without the unused slots. [PAD] = 0 matters: Hugging Face's BertConfig has
 * pad_token_id = 0 and its embeddings use it as padding_idx. The ids are always looked up by
 * name, so a vocab.txt with the special tokens elsewhere (bert-base-uncased's) loads as well.
 * This file uses no Node module; reading and writing files is in vocab-file.ts.
 */

/** BERT's special tokens, in the order Sapling's trainer gives them ids 0…4. */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** The ids of the special tokens, or null for those the vocabulary lacks. */
export interface SpecialIds {
  readonly pad: number | null;
  readonly unk: number | null;
  readonly cls: number | null;
  readonly sep: number | null;
  readonly mask: number | null;
}

/**
 * A list of distinct tokens; a token's id is its index.
 * @example new Vocab(['[PAD]', '[UNK]', 'the', '##s']).id('##s')  // 3
 */
export class Vocab {
  readonly tokens: readonly string[];
  readonly special: SpecialIds;
  readonly #ids: Map<string, number>;

  constructor(tokens: readonly string[]) {
    const ids = new Map<string, number>();
    tokens.forEach((token, i) => {
      if (typeof token !== 'string' || token.length === 0) throw new TypeError(`Vocab: token ${i} must be a non-empty string, got ${JSON.stringify(token)}`);
      if (/[\r\n]/.test(token)) throw new RangeError(`Vocab: token ${i} ${JSON.stringify(token)} holds a line break, which vocab.txt cannot store`);
      const first = ids.get(token);
      if (first !== undefined) throw new RangeError(`Vocab: token ${JSON.stringify(token)} appears twice, at ids ${first} and ${i}`);
      ids.set(token, i);
    });
    this.tokens = Object.freeze([...tokens]);
    this.#ids = ids;
    const find = (t: string): number | null => ids.get(t) ?? null;
    this.special = Object.freeze({ pad: find('[PAD]'), unk: find('[UNK]'), cls: find('[CLS]'), sep: find('[SEP]'), mask: find('[MASK]') });
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The id of `token`, or undefined if it is not in the vocabulary. */
  id(token: string): number | undefined {
    return this.#ids.get(token);
  }

  /** The token of `id`; a RangeError for an id outside [0, size). */
  token(id: number): string {
    const t = Number.isInteger(id) ? this.tokens[id] : undefined;
    if (t === undefined) throw new RangeError(`Vocab: id ${id} is outside [0, ${this.size})`);
    return t;
  }

  /** The id of a token the caller needs (a special token, say); `where` names the caller in the error. */
  requireId(token: string, where: string): number {
    const id = this.#ids.get(token);
    if (id === undefined) throw new RangeError(`${where}: the vocabulary (${this.size} tokens) has no ${token} token`);
    return id;
  }

  /**
   * The vocab.txt text: one token per line, each line ended by "\n".
   * @example new Vocab(['[PAD]', 'a']).toText()  // '[PAD]\na\n'
   */
  toText(): string {
    return this.tokens.length === 0 ? '' : `${this.tokens.join('\n')}\n`;
  }

  /** The vocab.txt bytes (UTF-8). */
  toBytes(): Uint8Array {
    return new TextEncoder().encode(this.toText());
  }

  /**
   * Reads vocab.txt text (see the file header for the format).
   * @example Vocab.fromText('[PAD]\n[UNK]\nthe\n').id('the')  // 2
   */
  static fromText(text: string): Vocab {
    const lines = text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop(); // the newline after the last token
    const tokens = lines.map((line, i) => {
      const token = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (token.length === 0) throw new RangeError(`Vocab.fromText: line ${i + 1} is empty; vocab.txt holds one token per line`);
      return token;
    });
    return new Vocab(tokens);
  }

  /** Reads vocab.txt bytes (UTF-8; a byte-order mark is skipped, invalid UTF-8 is refused). */
  static fromBytes(bytes: Uint8Array): Vocab {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (e) {
      throw new TypeError(`Vocab.fromBytes: the ${bytes.length} bytes are not valid UTF-8: ${(e as Error).message}`);
    }
    return Vocab.fromText(text);
  }
}
