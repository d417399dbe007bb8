// Domain "signalisation" (SignalisationService v1): catalogue → deposit (and its idempotent
// replay) → state → detail → list → history, then the negative cases: a schema-invalid message
// (101), an unknown prestation (300), another operator's code in the header (201).
import { formatParisDateTime, parisDayOf, type ParisDay } from '../../domain/paris-calendar.js';
import type { KitOptions } from '../options.js';
import {
  asList,
  check,
  expectSame,
  Failure,
  instant,
  isTrue,
  otherOperatorCode,
  unknownPrestation,
  type DepositSelection,
  type Scenario,
  type ScenarioContext,
  type Ticket,
} from '../scenario.js';

const ETATS = ['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'GELE', 'CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD', 'EN_REJET'];
const DAY = 24 * 3600_000;
const MAX_PAGES = 5;

const S = 'signalisation' as const;

/** Paris calendar day (YYYY-MM-DD) of an xs:date as node-soap gives it, or of an instant. */
function dayOf(value: unknown): ParisDay | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
  const date = instant(value);
  return date ? parisDayOf(date) : undefined;
}

/** The offer of the run's prestation: the option, else the operator's earlier tickets on that line. */
async function offerOf(ctx: ScenarioContext): Promise<string> {
  if (ctx.options.offre) return ctx.options.offre;
  const page = await ctx.call(S, 'listerSignalisations', { identifiantPrestation: ctx.options.prestation, taille: 1 });
  const first = asList<any>(page?.signalisation)[0];
  if (!first?.offre) {
    throw new Failure(`offre de la prestation ${ctx.options.prestation} inconnue (aucune signalisation antérieure sur cette ligne) : la préciser avec --offre`);
  }
  ctx.note(`offre ${first.offre} lue dans les signalisations antérieures de la prestation`);
  return String(first.offre);
}

/** Reads the catalogue and chooses the deposit data (consulterCatalogue). */
export async function selectDeposit(ctx: ScenarioContext): Promise<DepositSelection> {
  const o = ctx.options;
  const offre = await offerOf(ctx);
  const answer = await ctx.call(S, 'consulterCatalogue', { offre });
  const offer = asList<any>(answer?.offre).find((x) => x?.code === offre);
  check(offer, `consulterCatalogue : l’offre ${offre} n’est pas dans la réponse`);
  for (const field of ['libelle', 'technologie', 'dateMiseEnPlace', 'formulaires', 'nomenclatures', 'garanties', 'tests']) {
    check(offer[field] !== undefined, `consulterCatalogue : offre ${offre} sans ${field}`);
  }
  const canaux = asList<string>(offer.canauxSignalisation?.canal);
  check(canaux.includes('WS'), `offre ${offre} non ouverte aux web services (canaux : ${canaux.join(', ') || 'aucun'})`);
  const setUp = dayOf(offer.dateMiseEnPlace);
  const today = parisDayOf(ctx.serverNow());
  check(!setUp || setUp <= today, `offre ${offre} mise en place le ${setUp} seulement : les dépôts sont refusés (301) d’ici là`);
  if (isTrue(offer.tests?.testPrealableRequis) && !o.idDemandeTest) {
    throw new Failure(`l’offre ${offre} exige un test préalable KO (305) : passer --id-demande-test, ou choisir une autre prestation`);
  }

  // The form: the one asked for, else the newest live version whose mandatory fields are given.
  const given = new Set(o.champs.map((c) => c.code));
  const versions = asList<any>(offer.formulaires?.formulaire).map((f) => ({
    idFormulaire: String(f.idFormulaire),
    version: Number(f.version),
    champs: asList<any>(f.champs?.champ).map((c) => ({ code: String(c.code), obligatoire: isTrue(c.obligatoire) })),
  }));
  check(versions.length > 0, `offre ${offre} : aucun formulaire en vigueur`);
  let form;
  if (o.formulaire) {
    form = versions.find((v) => v.idFormulaire === o.formulaire!.idFormulaire && v.version === o.formulaire!.version);
    check(form, `formulaire ${o.formulaire.idFormulaire} v${o.formulaire.version} non proposé (en vigueur : ${versions.map((v) => `${v.idFormulaire} v${v.version}`).join(', ')})`);
  } else {
    const fillable = [...versions].sort((a, b) => b.version - a.version).filter((v) => v.champs.every((c) => !c.obligatoire || given.has(c.code)));
    form = fillable[0];
    if (!form) {
      const missing = [...new Set(versions.flatMap((v) => v.champs.filter((c) => c.obligatoire && !given.has(c.code)).map((c) => c.code)))];
      throw new Failure(`formulaires de ${offre} : champs obligatoires sans valeur (${missing.join(', ')}) — les passer avec --champ CODE=VALEUR`);
    }
  }
  const missing = form.champs.filter((c) => c.obligatoire && !given.has(c.code)).map((c) => c.code);
  check(missing.length === 0, `formulaire ${form.idFormulaire} v${form.version} : champs obligatoires sans valeur (${missing.join(', ')}) — --champ CODE=VALEUR`);
  const known = new Set(form.champs.map((c) => c.code));
  const champs = o.champs.filter((c) => known.has(c.code));
  const ignored = o.champs.filter((c) => !known.has(c.code)).map((c) => c.code);
  if (ignored.length > 0) ctx.note(`champs ignorés (absents du formulaire ${form.idFormulaire} v${form.version}) : ${ignored.join(', ')}`);

  const defauts = asList<any>(offer.nomenclatures?.defautDeclare?.entree).map((e) => String(e.code));
  let defautDeclare = o.defautDeclare;
  if (defautDeclare) check(defauts.includes(defautDeclare), `défaut ${defautDeclare} hors de la nomenclature de ${offre} (${defauts.join(', ')})`);
  else defautDeclare = defauts[0];
  check(defautDeclare, `offre ${offre} : nomenclature defautDeclare vide`);

  const selection = { offre, formulaire: { idFormulaire: form.idFormulaire, version: form.version }, defautDeclare, champs };
  ctx.shared.selection = selection;
  return selection;
}

/** A complete deposit in schema order (node-soap writes keys in object order). */
export function depositArgs(o: KitOptions, s: DepositSelection, referenceInterneOC: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const values: Record<string, unknown> = {
    offre: s.offre,
    identifiantPrestation: o.prestation,
    formulaire: { idFormulaire: s.formulaire.idFormulaire, version: s.formulaire.version },
    defautDeclare: s.defautDeclare,
    impact: 'TOTAL',
    referenceInterneOC,
    contactSite: { nom: 'Contact site (jeu de test e-SAV)', telephone: '0100000000' },
    contactOC: { nom: `Intégration ${o.operatorCode}`, telephone: '0100000000' },
    commentaire: 'Signalisation de test déposée par le jeu de test e-SAV sur la plateforme d’intégration.',
    ...(s.champs.length > 0 ? { champs: { champ: s.champs.map((c) => ({ code: c.code, valeur: c.valeur })) } } : {}),
    ...(o.idDemandeTest ? { idDemandeTest: o.idDemandeTest } : {}),
    ...overrides,
  };
  const order = ['offre', 'identifiantPrestation', 'formulaire', 'defautDeclare', 'impact', 'dateDebutDefaut', 'localisationPresumee',
    'referenceInterneOC', 'contactSite', 'contactOC', 'accesSite', 'commentaire', 'champs', 'idDemandeTest'];
  const ordered: Record<string, unknown> = {};
  for (const key of order) if (values[key] !== undefined) ordered[key] = values[key];
  return ordered;
}

/** Deposits the run's ticket (deposerSignalisation) and checks the acknowledgement. */
export async function depositTicket(ctx: ScenarioContext, checkReplay: boolean): Promise<Ticket> {
  const selection = ctx.shared.selection ?? (await selectDeposit(ctx));
  const referenceInterneOC = `CONF-${ctx.runTag}`;
  const args = depositArgs(ctx.options, selection, referenceInterneOC);
  const ack = await ctx.call(S, 'deposerSignalisation', args);
  const reference = ack?.referenceSignalisation;
  check(typeof reference === 'string' && /^[A-Z0-9][A-Z0-9-]{0,31}$/.test(reference), `deposerSignalisation : referenceSignalisation absente ou invalide (${String(reference)})`);
  expectSame('deposerSignalisation : etat', 'EN_DEPOT', ack.etat);
  check(instant(ack.dateHeurePriseEnCompte), 'deposerSignalisation : dateHeurePriseEnCompte absente');
  check(ack.garantie?.code, 'deposerSignalisation : garantie/code absent');
  ctx.note(`déposée : ${reference} (referenceInterneOC ${referenceInterneOC}, garantie ${ack.garantie.code}${ack.garantie.echeanceRetablissement ? `, échéance ${formatParisDateTime(instant(ack.garantie.echeanceRetablissement)!)}` : ''})`);
  if (checkReplay) {
    // Operators retry on time-outs: the same referenceInterneOC gives the first acknowledgement back.
    const again = await ctx.call(S, 'deposerSignalisation', args);
    expectSame('deposerSignalisation répété (même referenceInterneOC) : referenceSignalisation', reference, again?.referenceSignalisation);
  }
  const ticket: Ticket = { referenceSignalisation: reference, referenceInterneOC };
  ctx.shared.ticket = ticket;
  return ticket;
}

function ticketOf(ctx: ScenarioContext): Ticket {
  const ticket = ctx.shared.ticket;
  if (!ticket) throw new Failure('aucune signalisation déposée par ce passage');
  return ticket;
}

export const signalisationScenarios: Scenario[] = [
  {
    id: 'signalisation.catalogue',
    domain: 'signalisation',
    title: 'Catalogue : offre, formulaire en vigueur, nomenclatures (consulterCatalogue)',
    calls: [{ service: S, operation: 'consulterCatalogue', outcome: 'ok' }],
    async run(ctx) {
      const s = await selectDeposit(ctx);
      return `offre ${s.offre}, formulaire ${s.formulaire.idFormulaire} v${s.formulaire.version}, défaut ${s.defautDeclare}`;
    },
  },
  {
    id: 'signalisation.depot',
    domain: 'signalisation',
    title: 'Dépôt d’une signalisation et rejeu idempotent (deposerSignalisation)',
    calls: [{ service: S, operation: 'deposerSignalisation', outcome: 'ok' }],
    needs: ['signalisation.catalogue'],
    async run(ctx) {
      try {
        const ticket = await depositTicket(ctx, true);
        return `${ticket.referenceSignalisation} en EN_DEPOT, même accusé au rejeu`;
      } catch (error) {
        ctx.shared.ticketError = `le dépôt a échoué : ${(error as Error).message}`;
        throw error;
      }
    },
  },
  {
    id: 'signalisation.etat',
    domain: 'signalisation',
    title: 'État par référence e-SAV et par référence OC (consulterEtatSignalisation)',
    calls: [{ service: S, operation: 'consulterEtatSignalisation', outcome: 'ok' }],
    needs: ['signalisation.depot'],
    async run(ctx) {
      const ticket = ticketOf(ctx);
      const byRef = await ctx.call(S, 'consulterEtatSignalisation', { referenceSignalisation: ticket.referenceSignalisation });
      expectSame('consulterEtatSignalisation : referenceSignalisation', ticket.referenceSignalisation, byRef?.referenceSignalisation);
      expectSame('consulterEtatSignalisation : referenceInterneOC', ticket.referenceInterneOC, byRef?.referenceInterneOC);
      check(ETATS.includes(byRef?.etat), `consulterEtatSignalisation : état ${String(byRef?.etat)} inconnu`);
      check(instant(byRef?.dateEtat), 'consulterEtatSignalisation : dateEtat absente');
      const byOc = await ctx.call(S, 'consulterEtatSignalisation', { referenceInterneOC: ticket.referenceInterneOC });
      expectSame('consulterEtatSignalisation par referenceInterneOC : referenceSignalisation', ticket.referenceSignalisation, byOc?.referenceSignalisation);
      return `${byRef.etat} depuis le ${formatParisDateTime(instant(byRef.dateEtat)!)}`;
    },
  },
  {
    id: 'signalisation.detail',
    domain: 'signalisation',
    title: 'Détail : prestation, historique des états (consulterDetailSignalisation)',
    calls: [{ service: S, operation: 'consulterDetailSignalisation', outcome: 'ok' }],
    needs: ['signalisation.depot'],
    async run(ctx) {
      const ticket = ticketOf(ctx);
      const answer = await ctx.call(S, 'consulterDetailSignalisation', { referenceSignalisation: ticket.referenceSignalisation });
      const detail = answer?.signalisation;
      check(detail, 'consulterDetailSignalisation : élément signalisation absent');
      expectSame('consulterDetailSignalisation : referenceSignalisation', ticket.referenceSignalisation, detail.referenceSignalisation);
      expectSame('consulterDetailSignalisation : prestation/identifiantPrestation', ctx.options.prestation, detail.prestation?.identifiantPrestation);
      const history = asList<any>(detail.historique?.changementEtat);
      check(history.length > 0, 'consulterDetailSignalisation : historique vide');
      expectSame('consulterDetailSignalisation : premier état de l’historique', 'EN_DEPOT', history[0]?.etat);
      if (detail.prestation?.codeInsee) ticket.codeInsee = String(detail.prestation.codeInsee);
      return `${detail.etat}, ${history.length} changement(s) d’état, prestation ${detail.prestation.identifiantPrestation}`;
    },
  },
  {
    id: 'signalisation.liste',
    domain: 'signalisation',
    title: 'Liste des signalisations de la prestation, pages suivies (listerSignalisations)',
    calls: [{ service: S, operation: 'listerSignalisations', outcome: 'ok' }],
    needs: ['signalisation.depot'],
    async run(ctx) {
      const ticket = ticketOf(ctx);
      let curseur: string | undefined;
      let seen = 0;
      for (let page = 1; page <= MAX_PAGES; page += 1) {
        const answer = await ctx.call(S, 'listerSignalisations', {
          identifiantPrestation: ctx.options.prestation,
          ...(curseur ? { curseur } : {}),
          taille: 50,
        });
        const rows = asList<any>(answer?.signalisation);
        seen += rows.length;
        for (const row of rows) check(row?.referenceSignalisation && ETATS.includes(row.etat), 'listerSignalisations : résumé incomplet (referenceSignalisation, etat)');
        if (rows.some((r) => r.referenceSignalisation === ticket.referenceSignalisation)) return `${ticket.referenceSignalisation} trouvée (page ${page}, ${seen} ligne(s) lue(s))`;
        curseur = answer?.curseurSuivant;
        if (!curseur) break;
      }
      throw new Failure(`listerSignalisations : ${ticket.referenceSignalisation} absente des ${seen} signalisation(s) listées pour ${ctx.options.prestation}`);
    },
  },
  {
    id: 'signalisation.historique',
    domain: 'signalisation',
    title: 'Historique des signalisations closes sur 30 jours (consulterHistorique)',
    calls: [{ service: S, operation: 'consulterHistorique', outcome: 'ok' }],
    async run(ctx) {
      const now = ctx.serverNow();
      const periode = { debut: formatParisDateTime(new Date(now.getTime() - 30 * DAY)), fin: formatParisDateTime(new Date(now.getTime() + 3600_000)) };
      let curseur: string | undefined;
      let count = 0;
      let pages = 0;
      do {
        const answer = await ctx.call(S, 'consulterHistorique', { periode, ...(curseur ? { curseur } : {}), taille: 50 });
        pages += 1;
        const rows = asList<any>(answer?.signalisation);
        for (const row of rows) check(row?.referenceSignalisation && instant(row.dateCloture), 'consulterHistorique : signalisation sans dateCloture');
        count += rows.length;
        curseur = answer?.curseurSuivant;
      } while (curseur && pages < MAX_PAGES);
      return `${count} signalisation(s) close(s) sur la période (${pages} page(s))`;
    },
  },
  {
    id: 'signalisation.negatif-schema',
    domain: 'signalisation',
    title: 'Cas négatif : message non conforme au schéma → faute 101',
    calls: [{ service: S, operation: 'deposerSignalisation', outcome: 'fault:101' }],
    needs: ['signalisation.catalogue'],
    async run(ctx) {
      const args = depositArgs(ctx.options, ctx.shared.selection!, `CONF-${ctx.runTag}-X101`, {
        contactSite: { nom: 'Contact site (jeu de test e-SAV)', telephone: 'pas-un-numero' },
      });
      const fault = await ctx.expectFault(S, 'deposerSignalisation', args, 101);
      check(fault.champ?.includes('telephone'), `faute 101 sans le champ en cause (champ attendu : …/contactSite/telephone, reçu : ${fault.champ ?? 'aucun'})`);
      return `faute 101 sur ${fault.champ}`;
    },
  },
  {
    id: 'signalisation.negatif-prestation',
    domain: 'signalisation',
    title: 'Cas négatif : prestation inconnue → faute 300',
    calls: [{ service: S, operation: 'deposerSignalisation', outcome: 'fault:300' }],
    needs: ['signalisation.catalogue'],
    async run(ctx) {
      const args = depositArgs(ctx.options, ctx.shared.selection!, `CONF-${ctx.runTag}-X300`, { identifiantPrestation: unknownPrestation(ctx.runTag) });
      const fault = await ctx.expectFault(S, 'deposerSignalisation', args, 300);
      return `faute 300 : ${fault.libelle}`;
    },
  },
  {
    id: 'signalisation.negatif-operateur',
    domain: 'signalisation',
    title: 'Cas négatif : codeOperateur d’un autre opérateur → faute 201',
    calls: [{ service: S, operation: 'consulterCatalogue', outcome: 'fault:201' }],
    async run(ctx) {
      const other = otherOperatorCode(ctx.options.operatorCode);
      const fault = await ctx.expectFault(S, 'consulterCatalogue', {}, 201, { header: { codeOperateur: other } });
      return `faute 201 avec codeOperateur ${other} : ${fault.libelle}`;
    },
  },
];
