import { EVENTS, render } from './templates.js';

describe('mail templates', () => {
  it.each(EVENTS)('%s carries the reference and the link in Italian and English', (event) => {
    const m = render(event, 'LIG-2026-0042', 'http://localhost:3000/api/v1/proposals/abc');
    expect(m.subject).toContain('LIG-2026-0042');
    expect(m.text).toContain('http://localhost:3000/api/v1/proposals/abc');
    expect(m.text).toMatch(/EN: /);
    expect(m.html).toContain('href="http://localhost:3000/api/v1/proposals/abc"');
  });

  it('escapes HTML', () => {
    const m = render('proposal_created', '<b>x</b>', 'http://h/?a=1&b=2');
    expect(m.html).not.toContain('<b>x</b>');
    expect(m.html).toContain('&#38;');
  });
});
