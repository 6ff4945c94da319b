/**
 * Charts drawn as inline SVG, no library: horizontal bars for a few named values, columns for a
 * series of days. Each is an image with a title and a description that says what it shows in
 * words (its figures are also in a table beside it, for screen readers and for copying). Colours
 * come from the style sheet (classes), since the content security policy allows no inline style.
 */
export interface Datum {
  label: string;
  value: number;
  /** The value as people read it: "€24.00", "87.5 %". */
  text: string;
}

const WIDTH = 600;

export function HorizontalBars({
  id,
  title,
  data,
  max,
}: {
  id: string;
  title: string;
  data: Datum[];
  /** The value of a full bar; the largest value when absent. */
  max?: number;
}) {
  const row = 30;
  const labelWidth = 220;
  const valueWidth = 90;
  const full = max ?? Math.max(0, ...data.map((datum) => datum.value));
  const barSpace = WIDTH - labelWidth - valueWidth;
  const height = Math.max(row, data.length * row);
  return (
    <figure class="chart">
      <svg
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{describe(data)}</desc>
        {data.map((datum, index) => {
          const y = index * row;
          const length = full > 0 ? (Math.max(0, datum.value) / full) * barSpace : 0;
          return (
            <g key={datum.label}>
              <text
                x={labelWidth - 8}
                y={y + row / 2}
                dominant-baseline="middle"
                text-anchor="end"
                class="chart-label"
              >
                {datum.label}
              </text>
              <rect
                x={labelWidth}
                y={y + 5}
                width={Math.max(length, 1)}
                height={row - 10}
                class="chart-bar"
                rx={2}
              />
              <text
                x={labelWidth + length + 6}
                y={y + row / 2}
                dominant-baseline="middle"
                class="chart-value"
              >
                {datum.text}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

export function DailyColumns({ id, title, data }: { id: string; title: string; data: Datum[] }) {
  const height = 200;
  const axis = 24;
  const top = 20;
  const full = Math.max(0, ...data.map((datum) => datum.value));
  const step = WIDTH / Math.max(data.length, 1);
  const ticks = new Set([0, Math.floor((data.length - 1) / 2), data.length - 1]);
  return (
    <figure class="chart">
      <svg
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{describe(data.filter((datum) => datum.value !== 0))}</desc>
        <line x1={0} x2={WIDTH} y1={height - axis} y2={height - axis} class="chart-axis" />
        {data.map((datum, index) => {
          const length = full > 0 ? (Math.max(0, datum.value) / full) * (height - axis - top) : 0;
          const x = index * step;
          return (
            <g key={datum.label}>
              <rect
                x={x + step * 0.15}
                y={height - axis - length}
                width={step * 0.7}
                height={length}
                class="chart-bar"
              >
                <title>
                  {datum.label}: {datum.text}
                </title>
              </rect>
              {ticks.has(index) && (
                <text
                  x={x + step / 2}
                  y={height - 6}
                  text-anchor={index === 0 ? 'start' : index === data.length - 1 ? 'end' : 'middle'}
                  class="chart-label"
                >
                  {datum.label}
                </text>
              )}
            </g>
          );
        })}
        {full > 0 && (
          <text x={0} y={top - 6} class="chart-value">
            highest {data.find((datum) => datum.value === full)?.text}
          </text>
        )}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

function describe(data: Datum[]): string {
  if (data.length === 0) return 'No figures in this range.';
  return data.map((datum) => `${datum.label}: ${datum.text}`).join('; ') + '.';
}
