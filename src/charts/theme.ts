import type { Config } from 'vega-lite';

/** resvg and Vega must agree on the family, or resvg falls back to a serif and labels overflow their measured boxes. */
export const CHART_FONT = 'DejaVu Sans';

export const chartConfig: Config = {
  font: CHART_FONT,
  background: 'white',
  padding: 12,
  title: { fontSize: 15, subtitleFontSize: 11, subtitleColor: '#555', anchor: 'start' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
};

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** What a chart shows when there is nothing to plot yet: a sentence instead of empty axes. */
export function emptyChart(title: string, message: string) {
  return {
    $schema: SCHEMA,
    title: { text: title },
    width: 480,
    height: 120,
    data: { values: [{ message }] },
    mark: { type: 'text' as const, fontSize: 13, color: '#555' },
    encoding: { text: { field: 'message', type: 'nominal' as const } },
    config: chartConfig,
  };
}

/** Point markers help read a few snapshots and only clutter hundreds. */
export function showPoints(pointsPerSeries: number): boolean {
  return pointsPerSeries <= 100;
}

/** A spec assembled from layers Vega-Lite's types cannot follow; Vega-Lite itself checks it when it compiles. */
export function asSpec(spec: object): import('vega-lite').TopLevelSpec {
  return spec as import('vega-lite').TopLevelSpec;
}

export const TIME_AXIS = { field: 'time', type: 'temporal', title: 'Time (UTC)', axis: { format: '%Y-%m-%d %H:%M', labelAngle: -30 } } as const;
