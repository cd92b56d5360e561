import { useEffect, useRef } from 'react';
import { AreaSeries, BaselineSeries, ColorType, createChart, LineSeries, LineStyle, type IChartApi, type Time } from 'lightweight-charts';

export interface ChartPoint {
  /** YYYY-MM-DD (a trading day) or epoch seconds. */
  time: string | number;
  value: number;
}

/** -₹2,000.50 rather than ₹-2,000.5; never "₹-0"; always `digits` decimals (0 or 2). */
export function axisRupees(value: number, digits: 0 | 2 = 2): string {
  const rounded = digits === 0 ? Math.round(value) : Math.round(value * 100) / 100;
  const text = Math.abs(rounded).toLocaleString('en-IN', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return rounded < 0 && text.replace(/[0,.]/g, '') !== '' ? `-₹${text}` : `₹${text}`;
}

/** Axis labels with one number of decimals for all: none when every tick is a whole rupee. */
export function axisLabels(values: readonly number[]): string[] {
  const whole = values.every((v) => Math.abs(v - Math.round(v)) < 0.005);
  return values.map((v) => axisRupees(v, whole ? 0 : 2));
}

/** What a chart's values are: rupees, or percent (of a start capital, say). */
export type ChartUnit = 'rupees' | 'percent';

function unitLabels(values: readonly number[], unit: ChartUnit): string[] {
  return unit === 'rupees' ? axisLabels(values) : values.map((v) => `${v.toFixed(2)}%`);
}

/** 1, 2, 2.5 or 5 times a power of ten: the step of an axis a person reads at a glance. */
export function niceStep(rough: number): number {
  if (!(rough > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10) * power;
}

/**
 * The value range the axis shows: the data's, widened to at least 1% of its size (a day with one point, or a flat
 * curve, would otherwise be scaled to a few paise and labelled 99,92,513.65 / .6 / .58) and rounded out to the step.
 */
export function axisRange(values: readonly number[]): { minValue: number; maxValue: number; step: number } | null {
  if (values.length === 0) return null;
  let min = Math.min(...values);
  let max = Math.max(...values);
  const least = Math.max(Math.abs(max), Math.abs(min)) * 0.01 || 100;
  if (max - min < least) {
    const middle = (max + min) / 2;
    min = middle - least / 2;
    max = middle + least / 2;
  }
  const step = niceStep((max - min) / 4);
  return { minValue: Math.floor(min / step) * step, maxValue: Math.ceil(max / step) * step, step };
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

const IST_CLOCK = new Intl.DateTimeFormat('en-IN', { timeZone: 'Asia/Kolkata', day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** A point's time for people: a trading day as it is, an instant (epoch seconds) in IST. */
function timeText(time: Time): string {
  return typeof time === 'number' ? `${IST_CLOCK.format(new Date(time * 1000))} IST` : String(time);
}

/** The chart every series is drawn on: theme colours, value labels in the unit (also written to data-axis-labels). */
function baseChart(element: HTMLDivElement, height: number, unit: ChartUnit): IChartApi {
  const text = cssVar('--text-muted');
  const grid = cssVar('--grid');
  return createChart(element, {
    autoSize: true,
    height,
    layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: text, attributionLogo: false },
    grid: { vertLines: { color: grid }, horzLines: { color: grid } },
    rightPriceScale: { borderVisible: false },
    timeScale: { borderVisible: false, timeVisible: true, tickMarkFormatter: (time: Time) => (typeof time === 'number' ? timeText(time).replace(/ IST$/, '') : null) },
    // The crosshair shows paise; the axis ticks share one format (tickmarksPriceFormatter sees all of them). The
    // labels drawn are also written to data-axis-labels, since the canvas has no text to read back.
    localization: {
      priceFormatter: (value: number) => (unit === 'rupees' ? axisRupees(value) : unitLabels([value], unit)[0]),
      tickmarksPriceFormatter: (values: number[]) => {
        const labels = unitLabels(values, unit);
        element.dataset.axisLabels = JSON.stringify(labels);
        return labels;
      },
      timeFormatter: timeText,
    },
    crosshair: { horzLine: { style: LineStyle.Dotted }, vertLine: { style: LineStyle.Dotted } },
  });
}

/** The value range and tick format of a price scale over these values. */
function scaleOf(values: readonly number[]) {
  const range = axisRange(values);
  return {
    ...(range ? { autoscaleInfoProvider: () => ({ priceRange: { minValue: range.minValue, maxValue: range.maxValue } }) } : {}),
    // Ticks on whole units once the step is one or more.
    priceFormat: { type: 'price' as const, minMove: range && range.step >= 1 ? 1 : 0.01, precision: range && range.step >= 1 ? 0 : 2 },
  };
}

/**
 * One financial time series (lightweight-charts on a canvas). `kind` "equity" is an area; "drawdown" a baseline
 * at zero drawn below it. Values are rupees (the caller converts paise). Colours follow the theme.
 */
export default function TimeSeriesChart({ points, kind, theme, height = 220, label }: { points: ChartPoint[]; kind: 'equity' | 'drawdown'; theme: string; height?: number; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi | null>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = baseChart(element, height, 'rupees');
    chartRef.current = chart;
    const data = points.map((p) => ({ time: p.time as Time, value: p.value }));
    const scale = scaleOf(kind === 'drawdown' ? [0, ...points.map((p) => p.value)] : points.map((p) => p.value));
    if (kind === 'equity') {
      const accent = cssVar('--accent');
      const series = chart.addSeries(AreaSeries, { lineColor: accent, topColor: `${accent}55`, bottomColor: `${accent}05`, lineWidth: 2, ...scale });
      series.setData(data);
    } else {
      const loss = cssVar('--loss');
      const series = chart.addSeries(BaselineSeries, {
        baseValue: { type: 'price', price: 0 },
        bottomLineColor: loss,
        bottomFillColor1: `${loss}10`,
        bottomFillColor2: `${loss}55`,
        topLineColor: loss,
        lineWidth: 2,
        ...scale,
      });
      series.setData(data);
    }
    element.dataset.series = String(chart.panes()[0].getSeries().length);
    // Half a bar of room on the left so that the first date label is not cut in half.
    chart.timeScale().setVisibleLogicalRange({ from: -1, to: data.length - 0.5 });
    return () => {
      chart.remove();
      chartRef.current = null;
    };
  }, [points, kind, theme, height]);

  return <div className="chart" ref={container} style={{ height }} role="img" aria-label={label} />;
}

export interface ChartSeries {
  /** The legend's name of the series. */
  label: string;
  color: string;
  points: ChartPoint[];
}

/**
 * Several series as lines on one chart (e.g. the equity curves of backtest runs overlaid), in rupees or percent.
 * The number of series drawn is written to data-series.
 */
export function OverlayChart({ series, unit, theme, height = 260, label }: { series: ChartSeries[]; unit: ChartUnit; theme: string; height?: number; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  // Drawn again when what is drawn changes, not when the caller builds equal series anew.
  const drawn = JSON.stringify(series);
  useEffect(() => {
    const series = JSON.parse(drawn) as ChartSeries[];
    const element = container.current;
    if (!element) return;
    const chart = baseChart(element, height, unit);
    const scale = scaleOf(series.flatMap((s) => s.points.map((p) => p.value)));
    for (const s of series) {
      const line = chart.addSeries(LineSeries, { color: s.color, lineWidth: 2, title: s.label, ...scale });
      line.setData(s.points.map((p) => ({ time: p.time as Time, value: p.value })));
    }
    element.dataset.series = String(chart.panes()[0].getSeries().length);
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [drawn, unit, theme, height]);
  return <div className="chart" ref={container} style={{ height }} role="img" aria-label={label} data-testid="overlay-chart" />;
}
