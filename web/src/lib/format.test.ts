import { formatDate, formatNumber, formatPercent, formatPeriod, periodEnd } from './format';

describe('Dutch formats', () => {
  it('groups thousands with a dot and uses a decimal comma', () => {
    expect(formatNumber('1080.0000')).toBe('1.080');
    expect(formatNumber(12.5)).toBe('12,5');
    expect(formatNumber(null)).toBe('–');
  });
  it('writes percentages with a space and never caps them', () => {
    expect(formatPercent('38.5')).toBe('38,5\u00a0%');
    expect(formatPercent(250)).toBe('250\u00a0%');
    expect(formatPercent(38.5, 'en')).toBe('38.5%');
  });
  it('writes dates in words', () => {
    expect(formatDate('2025-07-01')).toBe('1 juli 2025');
    expect(formatDate('2025-07-01', 'en')).toBe('1 July 2025');
  });
  it('reads periods', () => {
    expect(formatPeriod('2025-Q3')).toBe('3e kwartaal 2025');
    expect(formatPeriod('2022/2023')).toBe('2022–2023');
    expect(periodEnd('2025-Q1')?.toISOString().slice(0, 10)).toBe('2025-03-31');
    expect(periodEnd('2024-02')?.toISOString().slice(0, 10)).toBe('2024-02-29');
  });
});
