import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { statusColours } from '../components/status';
import { useI18n } from '../lib/i18n';

export interface ComparisonRow {
  name: string;
  percent: number | null;
  status: string | null;
}

/** Members side by side: percent of target (never capped), coloured by status. */
export default function ComparisonChart({ rows, label }: { rows: ComparisonRow[]; label: string }) {
  const i18n = useI18n();
  const data = rows.map((r) => ({ ...r, percent: r.percent ?? 0 }));
  return (
    <div role="img" aria-label={`${label}. ${i18n.t('chartAsTable')}`} className="wz-chart">
      <ResponsiveContainer width="100%" height={Math.max(160, rows.length * 34 + 40)}>
        <BarChart data={data} layout="vertical" margin={{ left: 24, right: 24, top: 8, bottom: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tickFormatter={(v: number) => i18n.percent(v)} />
          <YAxis type="category" dataKey="name" width={180} />
          <ReferenceLine x={100} stroke="#1b1b1b" strokeDasharray="4 2" />
          <Tooltip formatter={(v) => i18n.percent(Number(v))} />
          <Bar dataKey="percent" name={i18n.t('percentOfTarget')} isAnimationActive={false}>
            {data.map((r) => (
              <Cell key={r.name} fill={statusColours[r.status ?? 'NO_DATA'] ?? '#5c6670'} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
