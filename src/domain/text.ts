/**
 * How a person's text is shown back to them in messages, notes and the terminal: never whole when it is long, and
 * never with characters that move the cursor, reorder the line or hide themselves.
 */

/** Excel keeps at most this many characters in a cell; ValTrac never writes more into one. */
export const MAX_CELL_CHARS = 32_767;
/** The most of a person's value one message quotes (a whole 48-character address still fits). */
export const EXCERPT_CHARS = 64;

/** Bidirectional controls: they reorder what follows, so "Alice" + U+202E can show as any text. */
const BIDI = '\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069';
/** Characters that draw nothing (zero-width, soft hyphen, fillers, variation selectors, BOM). */
const INVISIBLE = '\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2064\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\u{E0000}-\\u{E007F}\\u{E0100}-\\u{E01EF}';
/** C0 and C1 controls and the Unicode line/paragraph separators (a carriage return rewrites the terminal line). */
const CONTROL = '\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029';

/** Every character a person's value may not carry into a message as it is. */
export const UNSAFE = new RegExp(`[${CONTROL}${BIDI}${INVISIBLE}]`, 'u');
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');
/** The same without the line feed: ValTrac's own multi-line messages keep their line breaks at the output. */
const UNSAFE_BUT_NEWLINE = new RegExp(`(?!\\n)[${CONTROL}${BIDI}${INVISIBLE}]`, 'gu');
/** Characters that draw nothing or reorder text but are not controls: what makes a name a look-alike. */
export const HIDDEN = new RegExp(`[${BIDI}${INVISIBLE}]`, 'u');
export const DIRECTION = new RegExp(`[${BIDI}]`, 'u');

const NAMES: Readonly<Record<number, string>> = {
  0x09: 'TAB',
  0x0a: 'LINE FEED',
  0x0d: 'CARRIAGE RETURN',
  0xad: 'SOFT HYPHEN',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};

/** "U+200F" */
export function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** "U+200F RIGHT-TO-LEFT MARK", or just the code point for the characters without a name here. */
export function describeChar(char: string): string {
  const name = NAMES[char.codePointAt(0)!];
  return name ? `${codePoint(char)} ${name}` : codePoint(char);
}

function escapeChar(char: string): string {
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  if (char === '\t') return '\\t';
  return `<${codePoint(char)}>`;
}

/** Text for a terminal, a log or a cell: unsafe characters written as `\r` or `<U+202E>`; line feeds kept. */
export function safeText(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escapeChar);
}

/** Cuts at a code unit without splitting a surrogate pair. */
function cut(text: string, end: number): string {
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? text.slice(0, end - 1) : text.slice(0, end);
}

/**
 * A person's value as a message quotes it: every unsafe character escaped (line feeds too), and a long value shortened
 * to its start and end with its length, so no message grows with the value.
 */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  if (text.length <= max) return text.replace(UNSAFE_ALL, escapeChar);
  const head = cut(text, max - 16);
  const tailStart = text.length - 12;
  const tail = text.charCodeAt(tailStart) >= 0xdc00 && text.charCodeAt(tailStart) <= 0xdfff ? text.slice(tailStart + 1) : text.slice(tailStart);
  return `${head.replace(UNSAFE_ALL, escapeChar)}…${tail.replace(UNSAFE_ALL, escapeChar)} (${text.length.toLocaleString('en-US')} characters)`;
}

/** At most `max` characters, cut with a note saying so: for ValTrac's own cells (notes, Problems rows). */
export function fitCell(text: string, max = MAX_CELL_CHARS): string {
  if (text.length <= max) return text;
  const note = ' … (cut: Excel keeps 32,767 characters in a cell)';
  return `${cut(text, max - note.length)}${note}`;
}
