/**
 * Just enough of an SVG reader for Vega's output: which mark group (class "mark-<type> role-<role>") each
 * element sits in, the text of every <text>, and how many shapes each group holds.
 */
export interface SvgMarks {
  /** Text content per role, e.g. texts('axis-title'). */
  texts(role: string): string[];
  /** Number of shapes (path, rect, line) inside mark groups of this type and role. */
  count(markType: string, role: string): number;
  width: number;
  height: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x?[0-9a-f]+|\w+);/gi, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : (ENTITIES[e] ?? `&${e};`),
  );
}

export function readSvg(svg: string): SvgMarks {
  const texts = new Map<string, string[]>();
  const counts = new Map<string, number>();
  const stack: (string | null)[] = [];
  const tag = /<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>|([^<]+)/g;
  let inText: { role: string; parts: string[] } | null = null;
  const current = () => [...stack].reverse().find((c) => c !== null) ?? null;
  for (const m of svg.matchAll(tag)) {
    const [, closing, name, attrs = '', selfClosing, body] = m;
    if (body !== undefined) {
      if (inText) inText.parts.push(decode(body));
      continue;
    }
    if (name === 'g') {
      if (closing) stack.pop();
      else {
        const cls = /class="([^"]*)"/.exec(attrs)?.[1] ?? '';
        const mark = /mark-(\w+) role-([\w-]+)/.exec(cls);
        stack.push(mark ? `${mark[1]}|${mark[2]}` : null);
        if (selfClosing) stack.pop();
      }
    } else if (name === 'text') {
      if (closing && inText) {
        const list = texts.get(inText.role) ?? [];
        list.push(inText.parts.join(''));
        texts.set(inText.role, list);
        inText = null;
      } else if (!closing) inText = { role: current()?.split('|')[1] ?? '', parts: [] };
    } else if (!closing && (name === 'path' || name === 'rect' || name === 'line')) {
      const group = current();
      if (group && !/class="background"/.test(attrs)) counts.set(group, (counts.get(group) ?? 0) + 1);
    }
  }
  const size = /<svg[^>]*width="(\d+)"[^>]*height="(\d+)"/.exec(svg);
  return {
    texts: (role) => texts.get(role) ?? [],
    count: (markType, role) => counts.get(`${markType}|${role}`) ?? 0,
    width: Number(size?.[1] ?? 0),
    height: Number(size?.[2] ?? 0),
  };
}
