import type { ReactNode } from 'react';

export function Th({ children, num }: { children: ReactNode; num?: boolean }) {
  return (
    <th scope="col" className={num ? 'utrecht-table__header-cell wz-num' : 'utrecht-table__header-cell'}>
      {children}
    </th>
  );
}

export function Td({ children, num, small }: { children: ReactNode; num?: boolean; small?: boolean }) {
  return <td className={`utrecht-table__cell${num ? ' wz-num' : ''}${small ? ' wz-small' : ''}`}>{children}</td>;
}

/** A scrollable, labelled table (keyboard users can scroll it: WCAG 2.1.1). */
export function Table({ label, head, children, testId, tall }: { label: string; head: ReactNode; children: ReactNode; testId?: string; tall?: boolean }) {
  return (
    <div className={tall ? 'wz-scroll wz-scroll--tall' : 'wz-scroll'} tabIndex={0} role="region" aria-label={label}>
      <table className="utrecht-table utrecht-table--html-table wz-table" data-testid={testId}>
        <caption className="wz-visually-hidden">{label}</caption>
        <thead className="utrecht-table__header">
          <tr className="utrecht-table__row">{head}</tr>
        </thead>
        <tbody className="utrecht-table__body">{children}</tbody>
      </table>
    </div>
  );
}

/** Comma- or space-separated codes as a list ("GM0546, GM0547" → ["GM0546", "GM0547"]). */
export function codes(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((c) => c.trim())
    .filter(Boolean);
}
