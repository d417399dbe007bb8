// The kit's reports: the readable summary printed at the end, a JUnit XML file (one testsuite per
// domain, one testcase per scenario: CI tools read it) and one self-contained HTML file (inline
// style, no script, no external resource) to hand to the provider's support staff.
import { formatParisDateTime } from '../domain/paris-calendar.js';
import { escapeXmlAttribute, escapeXmlText } from '../domain/xml-text.js';
import type { ConformanceDomain } from '../domain/conformance.js';
import type { CampaignOutcome, PresentedCertificate } from './campaign.js';
import { SERVICES } from './client.js';
import { STATUS_LABELS, type ScenarioResult, type ScenarioStatus } from './scenario.js';

export type Verdict = 'reussi' | 'echec' | 'incomplet';

export const VERDICT_LABELS: Record<Verdict, string> = { reussi: 'RÉUSSI', echec: 'ÉCHEC', incomplet: 'INCOMPLET' };

export type RecordingInfo =
  | { state: 'desactive' }
  | { state: 'en-cours'; idCampagne: number }
  | { state: 'enregistre'; outcome: CampaignOutcome }
  | { state: 'refuse'; message: string };

export interface KitReport {
  operatorCode: string;
  url: string;
  domains: ConformanceDomain[];
  startedAt: Date;
  finishedAt: Date;
  certificate: PresentedCertificate | undefined;
  /** The scenario data used (label, value). */
  data: Array<[string, string]>;
  results: ScenarioResult[];
  recording: RecordingInfo;
}

/** Échec if a scenario failed or the gateway refused a domain the kit passed; incomplet if some could not run. */
export function verdictOf(report: KitReport): Verdict {
  if (report.results.some((r) => r.status === 'echec')) return 'echec';
  if (report.recording.state === 'refuse') return 'echec';
  if (report.recording.state === 'enregistre' && report.recording.outcome.verdicts.some((v) => !v.valide && passedByKit(report, v.domaine))) return 'echec';
  if (report.results.some((r) => r.status !== 'reussi')) return 'incomplet';
  return 'reussi';
}

/** The domains whose every scenario passed. */
export function passedDomains(report: Pick<KitReport, 'domains' | 'results'>): ConformanceDomain[] {
  return report.domains.filter((d) => passedByKit(report, d));
}

function passedByKit(report: Pick<KitReport, 'results'>, domain: ConformanceDomain): boolean {
  const own = report.results.filter((r) => r.domain === domain);
  return own.length > 0 && own.every((r) => r.status === 'reussi');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);
const paris = (d: Date) => formatParisDateTime(d).replace('T', ' ');

// ---------------------------------------------------------------- console

/** Progress marks, all eight characters wide. */
export const MARKS: Record<ScenarioStatus, string> = { reussi: '[  OK  ]', echec: '[ ÉCHEC]', 'non-execute': '[  --  ]', indisponible: '[INDISP]' };

/** The progress line of one scenario. */
export function progressLine(r: ScenarioResult): string {
  return `${MARKS[r.status]} ${r.id.padEnd(36)} ${r.message}${r.status === 'reussi' ? ` (${Math.round(r.durationMs)} ms)` : ''}`;
}

export function summaryText(report: KitReport, files: { junit: string; html: string } | undefined): string {
  const lines: string[] = ['', 'Résumé'];
  for (const domain of report.domains) {
    const own = report.results.filter((r) => r.domain === domain);
    const count = (s: ScenarioStatus) => own.filter((r) => r.status === s).length;
    const parts = [`${count('reussi')}/${own.length} réussi(s)`];
    if (count('echec') > 0) parts.push(`${count('echec')} échec(s)`);
    if (count('indisponible') > 0) parts.push(`${count('indisponible')} indisponible(s)`);
    if (count('non-execute') > 0) parts.push(`${count('non-execute')} non exécuté(s)`);
    const state = count('echec') > 0 ? 'ÉCHEC' : own.every((r) => r.status === 'reussi') ? 'RÉUSSI' : 'INCOMPLET';
    lines.push(`  ${domain.padEnd(14)} ${parts.join(', ').padEnd(48)} ${state}`);
  }
  const failed = report.results.filter((r) => r.status === 'echec');
  if (failed.length > 0) {
    lines.push('', 'Scénarios en échec');
    for (const r of failed) lines.push(`  ${r.id} — ${r.title}`, `      ${r.message}`);
  }
  const unavailable = report.results.filter((r) => r.status === 'indisponible');
  if (unavailable.length > 0) {
    lines.push('', 'Scénarios indisponibles (pas un défaut de l’intégration : relancer plus tard)');
    for (const r of unavailable) lines.push(`  ${r.id} — ${r.message}`);
  }
  lines.push('', `Enregistrement : ${recordingText(report.recording)}`);
  if (report.recording.state === 'enregistre') {
    for (const v of report.recording.outcome.verdicts.filter((x) => !x.valide)) lines.push(`  ${v.domaine} non validé : ${v.raison ?? ''}`);
  }
  if (files) lines.push(`Rapports : ${files.junit}, ${files.html}`);
  const verdict = verdictOf(report);
  lines.push(`Résultat : ${VERDICT_LABELS[verdict]}${failed.length > 0 ? ` (${failed.length} scénario(s) en échec : ${failed.map((r) => r.id).join(', ')})` : ''}`);
  return lines.join('\n');
}

export function recordingText(recording: RecordingInfo): string {
  switch (recording.state) {
    case 'desactive':
      return 'non demandé (--sans-enregistrement)';
    case 'en-cours':
      return `campagne ${recording.idCampagne} soumise à la passerelle`;
    case 'refuse':
      return `refusé — ${recording.message}`;
    case 'enregistre': {
      const o = recording.outcome;
      const valid = o.domainesValides.length > 0 ? o.domainesValides.join(', ') : 'aucun';
      return `exécution n° ${o.idExecution} enregistrée (campagne ${o.idCampagne}) — domaines validés par la passerelle : ${valid}`;
    }
  }
}

// ---------------------------------------------------------------- JUnit XML

// The project's one escaper (src/domain/xml-text.ts), for attributes and for content: characters
// XML 1.0 refuses become U+FFFD, so that a report stays parseable whatever a message carries.
const xml = escapeXmlAttribute;
const xmlContent = escapeXmlText;

function callsText(r: ScenarioResult): string {
  return r.calls
    .map((c) => `${c.operation} (${c.service}) → ${c.outcome} en ${Math.round(c.durationMs)} ms${c.idRequete ? ` idRequete=${c.idRequete}` : ''}${c.detail ? ` — ${c.detail}` : ''}`)
    .join('\n');
}

export function junitXml(report: KitReport): string {
  const all = report.results;
  const failures = all.filter((r) => r.status === 'echec').length;
  const skipped = all.filter((r) => r.status === 'indisponible' || r.status === 'non-execute').length;
  const total = all.reduce((s, r) => s + r.durationMs, 0);
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="jeu de test e-SAV ${xml(report.operatorCode)}" tests="${all.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(total)}">`,
  ];
  for (const domain of report.domains) {
    const own = all.filter((r) => r.domain === domain);
    out.push(
      `  <testsuite name="${domain}" tests="${own.length}" failures="${own.filter((r) => r.status === 'echec').length}" errors="0" skipped="${own.filter((r) => r.status === 'indisponible' || r.status === 'non-execute').length}" time="${seconds(own.reduce((s, r) => s + r.durationMs, 0))}" timestamp="${report.startedAt.toISOString().slice(0, 19)}">`,
      '    <properties>',
      `      <property name="operateur" value="${xml(report.operatorCode)}"/>`,
      `      <property name="url" value="${xml(report.url)}"/>`,
      ...(report.certificate ? [`      <property name="certificat" value="${xml(report.certificate.fingerprint256)}"/>`] : []),
      '    </properties>',
    );
    for (const r of own) {
      out.push(`    <testcase classname="esav.${domain}" name="${xml(`${r.id} — ${r.title}`)}" time="${seconds(r.durationMs)}">`);
      if (r.status === 'echec') out.push(`      <failure message="${xml(r.message)}" type="echec">${xmlContent([r.message, ...r.details, callsText(r)].filter(Boolean).join('\n'))}</failure>`);
      if (r.status === 'indisponible' || r.status === 'non-execute') out.push(`      <skipped message="${xml(`${STATUS_LABELS[r.status]} : ${r.message}`)}"/>`);
      const sysout = [r.status === 'reussi' ? r.message : '', ...(r.status === 'echec' ? [] : r.details), r.status === 'echec' ? '' : callsText(r)].filter(Boolean).join('\n');
      if (sysout) out.push(`      <system-out>${xmlContent(sysout)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  if (report.recording.state === 'enregistre' || report.recording.state === 'refuse') {
    const refused = report.recording.state === 'refuse' || report.recording.outcome.verdicts.some((v) => !v.valide && passedByKit(report, v.domaine));
    out.push(`  <testsuite name="enregistrement" tests="1" failures="${refused ? 1 : 0}" errors="0" skipped="0" time="0">`);
    out.push(`    <testcase classname="esav.enregistrement" name="enregistrement de l’exécution par la passerelle" time="0">`);
    const text = recordingText(report.recording);
    if (refused) {
      const reasons = report.recording.state === 'enregistre' ? report.recording.outcome.verdicts.filter((v) => !v.valide).map((v) => `${v.domaine} : ${v.raison ?? ''}`) : [];
      out.push(`      <failure message="${xml(text)}" type="enregistrement">${xmlContent([text, ...reasons].join('\n'))}</failure>`);
    } else out.push(`      <system-out>${xmlContent(text)}</system-out>`);
    out.push('    </testcase>', '  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

// ---------------------------------------------------------------- HTML

// Element content (the one escaper); the two attribute values below are codes, escaped as attributes.
const html = escapeXmlText;
const htmlAttribute = escapeXmlAttribute;

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1d2630;max-width:1200px}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:2px solid #d8dee4;padding-bottom:.25rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e4e8ec;vertical-align:top}
th{background:#f3f5f7;font-weight:600}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.75rem;font-size:.85em;font-weight:600;white-space:nowrap}
.reussi{background:#dff5e3;color:#14612a}.echec{background:#fde2e1;color:#9b1c1c}.indisponible{background:#fff1cc;color:#7a5200}.non-execute{background:#eceff2;color:#4b5661}.incomplet{background:#fff1cc;color:#7a5200}
.verdict{font-size:1.2rem;padding:.4rem 1rem;margin:1rem 0;display:inline-block}
.meta td:first-child{width:14rem;color:#4b5661}details{margin-top:.25rem}summary{cursor:pointer;color:#4b5661}
.calls td,.calls th{font-size:.85em;padding:.2rem .4rem}.msg{white-space:pre-wrap}.muted{color:#6b7580}`;

function badge(status: string, label: string): string {
  return `<span class="badge ${htmlAttribute(status)}">${html(label)}</span>`;
}

export function htmlReport(report: KitReport): string {
  const verdict = verdictOf(report);
  const meta: Array<[string, string]> = [
    ['Opérateur', report.operatorCode],
    ['Passerelle', report.url],
    ['Domaines', report.domains.join(', ')],
    ['Début', paris(report.startedAt)],
    ['Fin', paris(report.finishedAt)],
    ['Certificat client', report.certificate ? `${report.certificate.subject} — SHA-256 ${report.certificate.fingerprint256} — expire ${report.certificate.validTo}` : '—'],
    ['Enregistrement', recordingText(report.recording)],
  ];
  const parts: string[] = [
    '<!DOCTYPE html>',
    '<html lang="fr"><head><meta charset="utf-8">',
    `<title>Jeu de test e-SAV — ${html(report.operatorCode)} — ${VERDICT_LABELS[verdict]}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>Jeu de test e-SAV — rapport de conformité</h1>`,
    `<div class="badge verdict ${verdict}">${VERDICT_LABELS[verdict]}</div>`,
    '<table class="meta">',
    ...meta.map(([k, v]) => `<tr><td>${html(k)}</td><td>${html(v)}</td></tr>`),
    '</table>',
    '<h2>Synthèse par domaine</h2>',
    '<table><tr><th>Domaine</th><th>Réussis</th><th>Échecs</th><th>Indisponibles</th><th>Non exécutés</th><th>État</th><th>Passerelle</th></tr>',
  ];
  for (const domain of report.domains) {
    const own = report.results.filter((r) => r.domain === domain);
    const n = (s: ScenarioStatus) => own.filter((r) => r.status === s).length;
    const state = n('echec') > 0 ? 'echec' : own.every((r) => r.status === 'reussi') ? 'reussi' : 'incomplet';
    const gateway =
      report.recording.state === 'enregistre'
        ? (() => {
            const v = report.recording.outcome.verdicts.find((x) => x.domaine === domain);
            return v ? (v.valide ? badge('reussi', 'validé') : `${badge('echec', 'non validé')} <span class="muted">${html(v.raison ?? '')}</span>`) : '—';
          })()
        : '<span class="muted">—</span>';
    parts.push(
      `<tr><td>${html(domain)}</td><td>${n('reussi')}/${own.length}</td><td>${n('echec')}</td><td>${n('indisponible')}</td><td>${n('non-execute')}</td><td>${badge(state, state === 'reussi' ? 'réussi' : state === 'echec' ? 'échec' : 'incomplet')}</td><td>${gateway}</td></tr>`,
    );
  }
  parts.push('</table>');
  if (report.data.length > 0) {
    parts.push('<h2>Données utilisées</h2><table class="meta">', ...report.data.map(([k, v]) => `<tr><td>${html(k)}</td><td><code>${html(v)}</code></td></tr>`), '</table>');
  }
  for (const domain of report.domains) {
    parts.push(`<h2>Domaine ${html(domain)}</h2>`, '<table><tr><th>Scénario</th><th>État</th><th>Résultat</th><th>Durée</th></tr>');
    for (const r of report.results.filter((x) => x.domain === domain)) {
      const calls =
        r.calls.length === 0
          ? ''
          : `<details><summary>${r.calls.length} appel(s)</summary><table class="calls"><tr><th>Opération</th><th>Service</th><th>Résultat</th><th>Durée</th><th>idRequete</th><th>Détail</th></tr>${r.calls
              .map(
                (c) =>
                  `<tr><td><code>${html(c.operation)}</code></td><td>${html(SERVICES[c.service].label)}</td><td>${html(c.outcome)}</td><td>${Math.round(c.durationMs)} ms</td><td><code>${html(c.idRequete ?? '')}</code></td><td>${html(c.detail ?? '')}</td></tr>`,
              )
              .join('')}</table></details>`;
      const details = r.details.length > 0 ? `<ul>${r.details.map((d) => `<li>${html(d)}</li>`).join('')}</ul>` : '';
      parts.push(
        `<tr id="${htmlAttribute(r.id)}"><td><code>${html(r.id)}</code><br>${html(r.title)}</td><td>${badge(r.status, STATUS_LABELS[r.status])}</td><td><div class="msg">${html(r.message)}</div>${details}${calls}</td><td>${Math.round(r.durationMs)} ms</td></tr>`,
      );
    }
    parts.push('</table>');
  }
  if (report.recording.state === 'enregistre') {
    const o = report.recording.outcome;
    parts.push(
      '<h2>Enregistrement par la passerelle</h2>',
      `<p>Exécution n° ${o.idExecution} (campagne ${o.idCampagne}) : ${o.reussie ? 'réussie' : 'non réussie'}. La passerelle a vérifié dans son propre journal les appels servis à ce certificat pendant la campagne.</p>`,
      '<table><tr><th>Domaine</th><th>Validé</th><th>Raison</th></tr>',
      ...o.verdicts.map((v) => `<tr><td>${html(v.domaine)}</td><td>${v.valide ? badge('reussi', 'oui') : badge('echec', 'non')}</td><td>${html(v.raison ?? '')}</td></tr>`),
      '</table>',
    );
  }
  parts.push(`<p class="muted">Généré le ${html(paris(report.finishedAt))} par le jeu de test e-SAV (esav-conformance).</p>`, '</body></html>', '');
  return parts.join('\n');
}
