import type { RenderedChart } from './render.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page that opens from disk: relative image paths, no scripts, nothing fetched from the network. */
export function indexPage(charts: readonly RenderedChart[], generatedAt: Date, workbookName: string): string {
  const sections = charts
    .map(
      (c) => `  <section id="${c.name}">
    <img src="${c.name}.svg" alt="${escapeHtml(c.title)}">
    <p class="files"><a href="${c.name}.svg">SVG</a> · <a href="${c.name}.png">PNG</a></p>
  </section>`,
    )
    .join('\n');
  const nav = charts.map((c) => `<a href="#${c.name}">${escapeHtml(c.title)}</a>`).join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ValTrac charts</title>
<style>
  body { font-family: 'DejaVu Sans', sans-serif; margin: 24px; color: #222; background: #fafafa; }
  section { background: white; border: 1px solid #ddd; padding: 12px 16px; margin-bottom: 20px; }
  img { max-width: 100%; height: auto; }
  .files, .meta { font-size: 12px; color: #666; }
</style>
</head>
<body>
<h1>ValTrac charts</h1>
<p class="meta">From ${escapeHtml(workbookName)}, generated ${generatedAt.toISOString()}.</p>
<p>${nav}</p>
${sections}
</body>
</html>
`;
}
