// axe-core run inside a page of the real browser (evaluated through the DevTools protocol, so the
// page's strict CSP stays as it is): the WCAG 2.1 A/AA and best-practice rules, keeping the
// serious and critical violations, the ones the browser tests must not find.
import axe from 'axe-core';
import type { Page } from 'playwright-core';

// The one DOM name the page function uses (it runs in the browser; the project's lib has no DOM).
declare const document: unknown;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const runner = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await runner.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
