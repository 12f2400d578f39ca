import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { ChartSpec } from './data.js';
import { CHART_FONT } from './theme.js';

export interface RenderedChart {
  name: string;
  title: string;
  svg: string;
  png: Buffer;
}

/** Vega-Lite -> Vega -> SVG without a browser (renderer 'none' builds the scenegraph only). */
export async function renderSvg(spec: ChartSpec['spec']): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG at twice the SVG's size, with the same font family as the Vega config so text fits its measured boxes. */
export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: CHART_FONT },
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
  });
  return resvg.render().asPng();
}

export async function renderChart(chart: ChartSpec): Promise<RenderedChart> {
  const svg = await renderSvg(chart.spec);
  return { name: chart.name, title: chart.title, svg, png: renderPng(svg) };
}
