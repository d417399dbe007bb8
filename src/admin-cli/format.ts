// Human output of the back-office command line: aligned tables and detail blocks, dates in
// Europe/Paris business time. The JSON shapes are those of the admin API (src/adapters/admin-api/app.ts).
import { formatParisDateTime } from '../domain/paris-calendar.js';
import type { detailView, signalisationView } from '../adapters/admin-api/app.js';

export type SignalisationJson = ReturnType<typeof signalisationView>;
export type DetailJson = ReturnType<typeof detailView>;

/** An ISO-8601 instant as Paris local time, e.g. 2026-11-27 15:21:00+01:00; "—" when absent. */
export function date(value: string | null | undefined): string {
  if (!value) return '—';
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? value : formatParisDateTime(instant).replace('T', ' ');
}

/**
 * Text as it may reach a terminal: control characters (C0 but tab and LF, DEL, C1) become U+FFFD,
 * so a stored value (legacy rows predate the free-text rule of decision 0012) can never drive the
 * support agent's terminal with escape sequences.
 */
export function printable(value: string): string {
  return value.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '\uFFFD');
}

const text = (value: string | null | undefined): string => (value === null || value === undefined || value === '' ? '—' : printable(value));

/** Rows under a header, columns padded to their widest cell (the last one is not padded). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map((r) => line(r.map(printable)))].join('\n');
}

function fields(pairs: Array<[string, string]>): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `  ${label.padEnd(width)} : ${printable(value)}`).join('\n');
}

function stateLine(s: SignalisationJson): string {
  let line = `${s.etat} depuis le ${date(s.dateEtat)}`;
  if (s.attente) line += `, en attente : ${s.attente}`;
  if (s.motif) line += ` — ${s.motif}`;
  return line;
}

export function formatDetail(d: DetailJson): string {
  const pairs: Array<[string, string]> = [
    ['Opérateur', d.operateur],
    ['Référence OC', d.referenceInterneOC],
    ['État', stateLine(d)],
    ['Déposée le', date(d.dateDepot)],
    ['Offre', `${d.offre} (formulaire ${d.formulaire.idFormulaire} v${d.formulaire.version})`],
    [
      'Prestation',
      `${d.prestation.identifiant}${d.prestation.codeInsee ? ` (INSEE ${d.prestation.codeInsee})` : ''}`,
    ],
    ['Défaut déclaré', `${d.defautDeclare}, impact ${d.impact}${d.localisationPresumee ? `, localisation ${d.localisationPresumee}` : ''}`],
    ['Début du défaut', date(d.dateDebutDefaut)],
    ['Garantie', `${d.garantie.code}, échéance ${d.etat === 'GELE' ? 'suspendue (GELE)' : date(d.garantie.echeanceRetablissement)}`],
    ['Contact site', `${d.contactSite.nom} ${d.contactSite.telephone}`],
    ['Contact OC', [d.contactOC.nom, d.contactOC.telephone, d.contactOC.email].filter(Boolean).join(' ')],
  ];
  if (d.accesSite) pairs.push(['Accès site', `${d.accesSite.horaires} — ${d.accesSite.informations}`]);
  if (d.commentaire) pairs.push(['Commentaire OC', d.commentaire]);
  if (d.champs.length > 0) pairs.push(['Champs', d.champs.map((c) => `${c.code}=${c.valeur}`).join(', ')]);
  if (d.dateCloture || d.causeCloture) pairs.push(['Clôture', `${text(d.causeCloture)} le ${date(d.dateCloture)}`]);

  const history = table(
    ['DATE', 'TRANSITION', 'ACTEUR', 'MOTIF'],
    d.historique.map((h) => [date(h.date), `${h.de ?? '—'} → ${h.vers}`, h.acteur, text(h.motif)]),
  );
  const comments =
    d.commentaires.length === 0
      ? '  (aucun)'
      : d.commentaires.map((c) => `  ${date(c.date)}  ${c.auteur}  ${c.texte}`).join('\n');
  return [
    `Signalisation ${d.reference}`,
    fields(pairs),
    '',
    'Historique',
    indent(history),
    '',
    'Commentaires',
    comments,
  ].join('\n');
}

export function formatList(list: SignalisationJson[]): string {
  if (list.length === 0) return 'aucune signalisation';
  const rows = list.map((s) => [s.reference, s.operateur, s.etat, date(s.dateEtat), date(s.dateDepot), s.identifiantPrestation, s.referenceInterneOC]);
  return `${table(['REFERENCE', 'OPERATEUR', 'ETAT', 'DEPUIS', 'DEPOSEE', 'PRESTATION', 'REF OC'], rows)}\n${list.length} signalisation(s)`;
}

export function formatTransition(s: SignalisationJson): string {
  let line = `${s.reference} : ${stateLine(s)}`;
  if (s.etat === 'CLOS' || s.etat === 'EN_REJET') line += ` (cause ${text(s.causeCloture)})`;
  return line;
}

export function formatSweep(moved: string[]): string {
  if (moved.length === 0) return 'balayage : aucune signalisation à classer';
  return [`balayage : ${moved.length} signalisation(s) classée(s) en CLOS_TABLEAU_DE_BORD`, ...moved.map((r) => `  ${r}`)].join('\n');
}

function indent(block: string): string {
  return block
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
