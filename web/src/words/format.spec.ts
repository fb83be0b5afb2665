import { describe, expect, it } from '@jest/globals';
import { elideItalianDays, formatFor, isIsoDay } from './format.js';

const it_ = formatFor('it-IT', 'Europe/Rome');
const en = formatFor('en-GB', 'Europe/Rome');
const nbsp = '\u00a0';

describe('format: Italian', () => {
  it('writes a calendar day in words, the same day in every time zone', () => {
    expect(it_.day('2026-12-07')).toBe('7 dicembre 2026');
    expect(it_.day('2026-01-01')).toBe('1 gennaio 2026');
    expect(formatFor('it-IT', 'Pacific/Kiritimati').day('2026-12-31')).toBe('31 dicembre 2026');
  });

  it('writes an instant with the day in words and the time of Rome', () => {
    expect(it_.dateTime('2026-12-07T13:05:00Z')).toBe('7 dicembre 2026 alle ore 14:05');
    expect(it_.time('2026-07-01T22:30:00Z')).toBe('00:30');
    expect(it_.soon('2026-12-11T13:05:00Z')).toBe('ven 11 dic, 14:05');
  });

  it('writes decimals with a comma and thousands with a dot', () => {
    expect(it_.number(3.3333, 1)).toBe('3,3');
    expect(it_.number(12345)).toBe('12.345');
    expect(it_.ratio(3.3, 5)).toBe(`3,3${nbsp}/${nbsp}5`);
    expect(it_.ratio(25, 25)).toBe(`25${nbsp}/${nbsp}25`);
    expect(it_.percent(0.834)).toBe('83%');
  });

  it('makes the words agree with the number', () => {
    const rows = { one: '{n} riga', other: '{n} righe' };
    expect(it_.plural(1, rows)).toBe('1 riga');
    expect(it_.plural(0, rows)).toBe('0 righe');
    expect(it_.plural(81, rows)).toBe('81 righe');
    expect(it_.plural(1, { one: 'manca {n} servizio su {wanted}', other: 'mancano {n} servizi su {wanted}' }, { wanted: 3 })).toBe(
      'manca 1 servizio su 3',
    );
    expect(it_.plural(2.5, { one: '{n} giorno', other: '{n} giorni' })).toBe('2,5 giorni');
  });

  it('names months for a chart axis without a full stop', () => {
    expect(it_.month('2026-03', true)).toBe('marzo 2026');
    expect(it_.monthShort('2026-05')).toBe('mag');
    expect(it_.monthShort('2026-06')).toBe('giu');
  });

  it('joins a list as Italians say it', () => {
    expect(it_.list(['Casa Levante', 'Casa Golfo', 'Casa Ponente'])).toBe('Casa Levante, Casa Golfo e Casa Ponente');
  });
});

describe('format: English', () => {
  it('writes days, decimals and plurals the English way', () => {
    expect(en.day('2026-12-07')).toBe('7 December 2026');
    expect(en.number(3.3333, 1)).toBe('3.3');
    expect(en.number(12345)).toBe('12,345');
    expect(en.ratio(3.3, 5)).toBe(`3.3${nbsp}/${nbsp}5`);
    expect(en.plural(1, { one: '{n} row', other: '{n} rows' })).toBe('1 row');
    expect(en.plural(2, { one: '{n} row', other: '{n} rows' })).toBe('2 rows');
    expect(en.list(['a', 'b', 'c'])).toBe('a, b and c');
    expect(en.monthShort('2026-09')).toBe('Sept');
  });
});

describe('isIsoDay', () => {
  it('tells an API calendar day from other values', () => {
    expect(isIsoDay('2026-12-07')).toBe(true);
    expect(isIsoDay('2026-12-07T10:00:00Z')).toBe(false);
    expect(isIsoDay(20261207)).toBe(false);
  });
});

describe('Italian days after an article', () => {
  it.each([
    ['Ingresso del 8 dicembre 2026 alle ore 01:22', "Ingresso dell'8 dicembre 2026 alle ore 01:22"],
    ['Creata il 11 marzo', "Creata l'11 marzo"],
    ['Il 1 gennaio è festa', "L'1 gennaio è festa"],
    ['dal 8 dic al 1 gen', "dall'8 dic all'1 gen"],
    // a consonant stays as it is, and so do numbers that are not days
    ['Ingresso del 9 dicembre 2026', 'Ingresso del 9 dicembre 2026'],
    ['il 18 dicembre', 'il 18 dicembre'],
    ['del 8 posti', 'del 8 posti'],
    ['model 8 dicembre', 'model 8 dicembre'],
  ])('%s -> %s', (text, said) => {
    expect(elideItalianDays(text)).toBe(said);
  });
});
