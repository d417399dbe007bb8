// The signalisation pages (issue 13, point 3): the operator's tickets with filters and keyset paging
// (listerSignalisations), deposit through a form generated from the catalogue form version
// (deposerSignalisation, canal PORTAIL), detail (consulterDetailSignalisation), complement of a
// frozen ticket (completerSignalisation), closed tickets of the last 90 days and their CSV export
// (consulterHistorique). Every action runs the web services' use case for the session's operator
// under the SOAP operation's service rules; a deposit or complement is first checked against the
// contract's schema like a SOAP payload (fault 101), then by the use case (300–305, 311…), and a
// fault is shown on the input it names. Another operator's ticket is answered as an unknown one.
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { CompletionRequest, DepositRequest, ListRequest, SignalisationDetail, SignalisationService } from '../../application/signalisation.js';
import { channelRefused } from '../../application/signalisation.js';
import { closedExportFileName, closedSignalisationsExport, MAX_EXPORT_ROWS } from '../../application/signalisation-export.js';
import type { CodeValeur, Signalisation } from '../../application/signalisation-ports.js';
import type { Catalogue, CodeLibelle, FormVersion, Offer } from '../../domain/catalogue.js';
import { acceptsChannel, findLiveForm, isOfferSetUp, liveForms } from '../../domain/catalogue.js';
import { EsavFault } from '../../domain/faults.js';
import { champInputName, DEPOSIT_FORM_INPUTS, inputOfFault } from '../../domain/form-errors.js';
import { addDays, isParisDay, parisDayOf, parisDayStart } from '../../domain/paris-calendar.js';
import { ETATS, historyWindowStart, isEtat, type Etat, type Impact } from '../../domain/signalisation.js';
import {
  accessFields,
  champValue,
  commentField,
  contactFields,
  depositFieldsBefore,
  formFieldView,
  IMPACTS,
  priorTestField,
  type FieldView,
} from './form-fields.js';
import { grants, requireSignedIn, sendMessage, sendPage, sessionOf } from './render.js';
import { parisDateTime, parseParisInput } from './paris-time.js';
import { serviceRefusal, underServiceRules, type PortalServiceRules } from './service-rules.js';

/** The contract's schema checks of the requests the forms build (fault 101, like a SOAP payload). */
export interface PortalRequestSchema {
  checkDeposit(request: DepositRequest): void;
  checkCompletion(request: CompletionRequest): void;
}

/** What the pages use of PortalPageDeps (app.ts), named here so that app.ts alone imports this file. */
export interface SignalisationPageDeps {
  useCases: { signalisation: SignalisationService };
  catalogue: Catalogue;
  rules: PortalServiceRules;
  requestSchema: PortalRequestSchema;
}

export const ETAT_LIBELLES: Readonly<Record<Etat, string>> = {
  EN_DEPOT: 'En dépôt',
  EN_QUALIFICATION: 'En qualification',
  EN_COURS: 'En cours',
  GELE: 'Gelée',
  CLOS: 'Close',
  VALIDE: 'Validée',
  CLOS_TABLEAU_DE_BORD: 'Close (tableau de bord)',
  EN_REJET: 'En rejet',
};

const ACTEUR_LIBELLES: Readonly<Record<string, string>> = { OPERATEUR: 'Opérateur', SAV: 'SAV', SYSTEME: 'Système' };
const ATTENTE_LIBELLES: Readonly<Record<string, string>> = {
  INFORMATION: 'une information de votre part',
  ACCES_SITE: "l'accès au site",
  RENDEZ_VOUS: 'un rendez-vous',
};

/** The provider's references (ReferenceSignalisation of the contract): anything else is unknown. */
const REFERENCE = /^[A-Z0-9][A-Z0-9-]{0,31}$/;

type Body = Record<string, unknown>;

/** A form or query value: the first one when repeated, '' when absent. */
function valueOf(source: unknown, name: string): string {
  const value = (source as Body | undefined)?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

function valuesOf(source: unknown, name: string): string[] {
  const value = (source as Body | undefined)?.[name];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');
}

const WHAT: Readonly<Record<string, string>> = {
  listerSignalisations: 'consulter la liste des signalisations',
  consulterDetailSignalisation: "consulter le détail d'une signalisation",
  deposerSignalisation: 'déposer une signalisation',
  completerSignalisation: 'compléter une signalisation',
  consulterHistorique: "consulter l'historique des signalisations closes",
};

/** 403 with the explanation when the profile does not grant the operation; true when it does. */
async function allowed(request: FastifyRequest, reply: FastifyReply, operation: string): Promise<boolean> {
  const session = sessionOf(request);
  if (grants(session, operation)) return true;
  await sendMessage(
    request,
    reply,
    403,
    'Action non autorisée',
    `Votre profil « ${session.user.profileLibelle} » ne permet pas de ${WHAT[operation] ?? operation} (opération ${operation}). Demandez ce droit à l'administrateur de votre opérateur.`,
  );
  return false;
}

/** A fault as messages: on the input it names, else above the form. */
export function faultMessages(error: EsavFault, inputs: readonly string[], champs: ReadonlyArray<{ code: string }> = []): { erreurs: Record<string, string>; erreurGenerale: string | null } {
  const input = inputOfFault(error.champ, { inputs, champs });
  const text = `${error.libelle} (code ${error.code})`;
  return input ? { erreurs: { [input]: text }, erreurGenerale: null } : { erreurs: {}, erreurGenerale: text };
}

/** Rethrows what is not a use-case fault, and the service rules' refusals (maintenance, rate limit): the error handler pages them. */
function asFault(error: unknown): EsavFault {
  if (error instanceof EsavFault && !serviceRefusal(error)) return error;
  throw error;
}

function libelleIn(list: readonly CodeLibelle[] | undefined, code: string | null | undefined): string {
  if (!code) return '';
  const found = list?.find((e) => e.code === code);
  return found ? `${found.libelle} (${code})` : code;
}

/** The submitted values of a form, by input name (for redisplay). */
function submitted(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries((body ?? {}) as Body)) {
    if (name === '_csrf') continue;
    const v = valueOf({ [name]: value }, name);
    values[name] = v;
  }
  return values;
}

/** `2026-11-02T10:15` (or with seconds) typed in a datetime-local input: Paris wall time. */

/** The form version's fields as sent: non-empty ones only, in the version's order. */
function champsOf(form: FormVersion | undefined, body: unknown): CodeValeur[] {
  if (!form) return [];
  const champs: CodeValeur[] = [];
  for (const field of form.champs) {
    const value = champValue(field, valueOf(body, champInputName(field.code)));
    if (value !== '') champs.push({ code: field.code, valeur: value });
  }
  return champs;
}

/** The optional pair of accesSite: absent when both are empty, else both (the schema refuses one alone). */
function accesSiteOf(body: unknown): { accesSite?: { horaires: string; informations: string } } {
  const horaires = valueOf(body, 'accesSite.horaires');
  const informations = valueOf(body, 'accesSite.informations');
  return horaires === '' && informations === '' ? {} : { accesSite: { horaires, informations } };
}

/** A new site contact of a complement: both parts, or none (then the stored one stays). */
function contactSiteOf(body: unknown): { contactSite?: { nom: string; telephone: string } } {
  const nom = valueOf(body, 'contactSite.nom');
  const telephone = valueOf(body, 'contactSite.telephone').trim();
  return nom === '' && telephone === '' ? {} : { contactSite: { nom, telephone } };
}

function depositRequestOf(body: unknown, form: FormVersion | undefined): DepositRequest {
  const optional = (name: string) => {
    const v = valueOf(body, name);
    return v === '' ? undefined : v;
  };
  const [idFormulaire = '', version = ''] = valueOf(body, 'formulaire').split(':');
  const dateDebut = optional('dateDebutDefaut');
  let dateDebutDefaut: Date | undefined;
  if (dateDebut !== undefined) {
    dateDebutDefaut = parseParisInput(dateDebut, { requireTime: true });
    if (!dateDebutDefaut) {
      throw new EsavFault(101, 'Message non conforme au schéma : date et heure du début du défaut invalides (attendu AAAA-MM-JJ HH:MM)', { champ: 'dateDebutDefaut' });
    }
  }
  const email = optional('contactOC.email');
  const localisationPresumee = optional('localisationPresumee');
  const commentaire = optional('commentaire');
  const idDemandeTest = optional('idDemandeTest');
  return {
    canal: 'PORTAIL',
    offre: valueOf(body, 'offre'),
    identifiantPrestation: valueOf(body, 'identifiantPrestation').trim(),
    formulaire: { idFormulaire, version: /^\d{1,9}$/.test(version) ? Number(version) : Number.NaN },
    defautDeclare: valueOf(body, 'defautDeclare'),
    impact: valueOf(body, 'impact') as Impact,
    ...(dateDebutDefaut ? { dateDebutDefaut } : {}),
    ...(localisationPresumee ? { localisationPresumee } : {}),
    referenceInterneOC: valueOf(body, 'referenceInterneOC').trim(),
    contactSite: { nom: valueOf(body, 'contactSite.nom'), telephone: valueOf(body, 'contactSite.telephone').trim() },
    contactOC: { nom: valueOf(body, 'contactOC.nom'), telephone: valueOf(body, 'contactOC.telephone').trim(), ...(email ? { email: email.trim() } : {}) },
    ...accesSiteOf(body),
    ...(commentaire ? { commentaire } : {}),
    champs: champsOf(form, body),
    ...(idDemandeTest ? { idDemandeTest: idDemandeTest.trim() } : {}),
  };
}

interface DepositFormPage {
  offer: Offer;
  form: FormVersion;
  valeurs: Record<string, string>;
  erreurs: Record<string, string>;
  erreurGenerale: string | null;
}

/** The sections of the generated deposit form. */
function depositSections(offer: Offer, form: FormVersion) {
  return {
    identification: depositFieldsBefore(offer.nomenclatures),
    formulaire: form.champs.map((f) => formFieldView(f)),
    contacts: contactFields(),
    acces: [...accessFields(), commentField(false), ...(offer.tests.testPrealableRequis || offer.tests.disponibles.length > 0 ? [priorTestField()] : [])],
  };
}

function depositInputs(form: FormVersion): string[] {
  return [...DEPOSIT_FORM_INPUTS, ...form.champs.map((f) => champInputName(f.code))];
}

export const signalisationRoutes: FastifyPluginAsync<SignalisationPageDeps> = async (app, deps) => {
  const { useCases, catalogue, rules, requestSchema } = deps;
  const signalisations = useCases.signalisation;
  const offers = () => [...catalogue.offers.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
  const caller = (request: FastifyRequest) => ({ operatorCode: sessionOf(request).user.operatorCode });
  const run = <T>(request: FastifyRequest, operation: string, action: () => Promise<T>) =>
    underServiceRules(rules, sessionOf(request).user.operatorCode, operation, action);
  const canDeposit = (request: FastifyRequest) => grants(sessionOf(request), 'deposerSignalisation');

  app.addHook('preHandler', requireSignedIn);

  // ---- list ------------------------------------------------------------------------------
  app.get('/signalisations', async (request, reply) => {
    if (!(await allowed(request, reply, 'listerSignalisations'))) return reply;
    const q = request.query as Body;
    const etats = valuesOf(q, 'etat').filter(isEtat);
    const offre = catalogue.offers.has(valueOf(q, 'offre')) ? valueOf(q, 'offre') : '';
    const prestation = valueOf(q, 'prestation').trim().slice(0, 64);
    const du = isParisDay(valueOf(q, 'du')) ? valueOf(q, 'du') : '';
    const au = isParisDay(valueOf(q, 'au')) ? valueOf(q, 'au') : '';
    const curseur = valueOf(q, 'curseur').slice(0, 200);
    const filtres = { etats, offre, prestation, du, au };
    const listRequest: ListRequest = {
      etats,
      ...(offre ? { offre } : {}),
      ...(prestation ? { identifiantPrestation: prestation } : {}),
      ...(du || au
        ? { periode: { debut: du ? parisDayStart(du) : new Date(0), fin: au ? parisDayStart(addDays(au, 1)) : new Date(rules.clock.now().getTime() + 1) } }
        : {}),
      ...(curseur ? { curseur } : {}),
    };
    let page: Awaited<ReturnType<typeof signalisations.list>> = { signalisations: [] };
    let erreur: string | null = null;
    try {
      page = await run(request, 'listerSignalisations', () => signalisations.list(caller(request), listRequest));
    } catch (error) {
      erreur = `${asFault(error).libelle} (code ${(error as EsavFault).code})`;
    }
    const query = new URLSearchParams();
    for (const e of etats) query.append('etat', e);
    for (const [k, v] of Object.entries({ offre, prestation, du, au })) if (v) query.set(k, v);
    const suivante = page.curseurSuivant ? `/signalisations?${new URLSearchParams([...query, ['curseur', page.curseurSuivant]]).toString()}` : null;
    const premiere = curseur ? `/signalisations${query.size > 0 ? `?${query.toString()}` : ''}` : null;
    return sendPage(request, reply, 'signalisations/liste', {
      title: 'Signalisations',
      current: '/signalisations',
      status: erreur ? 400 : 200,
      filtres,
      erreur,
      etatsPossibles: ETATS.map((e) => ({ code: e, libelle: ETAT_LIBELLES[e] })),
      offres: offers().map((o) => ({ code: o.code, libelle: o.libelle })),
      lignes: page.signalisations.map((s) => row(s)),
      suivante,
      premiere,
      peutDeposer: canDeposit(request),
    });
  });

  const row = (s: Signalisation) => ({
    reference: s.reference,
    referenceInterneOC: s.referenceInterneOC,
    prestation: s.prestationId,
    offre: s.offerCode,
    defaut: libelleIn(catalogue.offers.get(s.offerCode)?.nomenclatures.defautDeclare, s.defautDeclare),
    etat: ETAT_LIBELLES[s.etat] ?? s.etat,
    depot: parisDateTime(s.depositedAt),
    echeance: parisDateTime(s.echeanceRetablissement),
    cloture: parisDateTime(s.dateCloture),
    causeCloture: s.causeCloture ?? '',
  });

  // ---- deposit ---------------------------------------------------------------------------
  /** Step 1 (offer), step 2 (form version, when several are live) or the generated form. */
  const depositStep = async (
    request: FastifyRequest,
    reply: FastifyReply,
    choice: { offre: string; formulaire: string },
    status = 200,
    message: { erreurs?: Record<string, string>; erreurGenerale?: string | null } = {},
  ) => {
    const now = rules.clock.now();
    const offer = catalogue.offers.get(choice.offre);
    const base = { title: 'Nouvelle signalisation', current: '/signalisations', status };
    const offresProposees = offers()
      .filter((o) => isOfferSetUp(o, now))
      .map((o) => ({ code: o.code, libelle: o.libelle, portail: acceptsChannel(o, 'PORTAIL') }));
    if (!offer || !isOfferSetUp(offer, now) || !acceptsChannel(offer, 'PORTAIL')) {
      // The catalogue's channels decide: an offer without PORTAIL is explained, not offered a form.
      const refus = offer && isOfferSetUp(offer, now) ? channelRefused(offer, 'PORTAIL').libelle : null;
      return sendPage(request, reply, 'signalisations/nouvelle-offre', {
        ...base,
        status: refus ? Math.max(status, 422) : status,
        offres: offresProposees,
        choisie: choice.offre,
        erreurs: { ...(refus ? { offre: refus } : {}), ...(message.erreurs ?? {}) },
        erreurGenerale: message.erreurGenerale ?? null,
      });
    }
    const versions = liveForms(offer, now);
    const [id, v] = choice.formulaire.split(':');
    const form = id && v ? findLiveForm(offer, id, Number(v), now) : versions.length === 1 ? versions[0] : undefined;
    if (!form) {
      return sendPage(request, reply, 'signalisations/nouvelle-version', {
        ...base,
        offre: { code: offer.code, libelle: offer.libelle },
        versions: versions.map((f) => ({
          valeur: `${f.idFormulaire}:${f.version}`,
          libelle: `${f.idFormulaire} version ${f.version}`,
          periode: f.finCoexistence ? `en production depuis le ${f.dateProduction}, acceptée jusqu'au ${addDays(f.finCoexistence, -1)}` : `en production depuis le ${f.dateProduction}`,
        })),
        erreurGenerale: message.erreurGenerale ?? (choice.formulaire ? "Cette version du formulaire n'est pas ou plus acceptée : choisissez une version en vigueur." : null),
      });
    }
    return depositForm(request, reply, { offer, form, valeurs: {}, erreurs: message.erreurs ?? {}, erreurGenerale: message.erreurGenerale ?? null }, status);
  };

  const depositForm = async (request: FastifyRequest, reply: FastifyReply, page: DepositFormPage, status: number) =>
    sendPage(request, reply, 'signalisations/nouvelle', {
      title: 'Nouvelle signalisation',
      current: '/signalisations',
      status,
      offre: { code: page.offer.code, libelle: page.offer.libelle },
      formulaire: { valeur: `${page.form.idFormulaire}:${page.form.version}`, libelle: `${page.form.idFormulaire} version ${page.form.version}` },
      sections: depositSections(page.offer, page.form),
      valeurs: page.valeurs,
      erreurs: page.erreurs,
      erreurGenerale: page.erreurGenerale,
      autresVersions: liveForms(page.offer, rules.clock.now()).length > 1,
    });

  app.get('/signalisations/nouvelle', async (request, reply) => {
    if (!(await allowed(request, reply, 'deposerSignalisation'))) return reply;
    const q = request.query as Body;
    return depositStep(request, reply, { offre: valueOf(q, 'offre'), formulaire: valueOf(q, 'formulaire') });
  });

  app.post('/signalisations/nouvelle', async (request, reply) => {
    if (!(await allowed(request, reply, 'deposerSignalisation'))) return reply;
    const body = request.body;
    const now = rules.clock.now();
    const offer = catalogue.offers.get(valueOf(body, 'offre'));
    const [id, v] = valueOf(body, 'formulaire').split(':');
    const form = offer && id && v ? offer.formulaires.find((f) => f.idFormulaire === id && String(f.version) === v) : undefined;
    let ack;
    let depositRequest: DepositRequest | undefined;
    try {
      ack = await run(request, 'deposerSignalisation', async () => {
        depositRequest = depositRequestOf(body, form);
        requestSchema.checkDeposit(depositRequest);
        return signalisations.deposit(caller(request), depositRequest);
      });
    } catch (error) {
      const fault = asFault(error);
      const live = offer && form && acceptsChannel(offer, 'PORTAIL') ? findLiveForm(offer, form.idFormulaire, form.version, now) : undefined;
      if (!offer || !live) {
        // No form to redisplay (offer refused on this channel, unknown, or version withdrawn): the choice again, with the fault.
        const { erreurs, erreurGenerale } = faultMessages(fault, ['offre', 'formulaire']);
        return depositStep(request, reply, { offre: offer && erreurs.offre ? '' : valueOf(body, 'offre'), formulaire: '' }, 422, {
          erreurs: erreurs.formulaire ? {} : erreurs,
          erreurGenerale: erreurGenerale ?? erreurs.formulaire ?? null,
        });
      }
      const messages = faultMessages(fault, depositInputs(live), depositRequest?.champs ?? []);
      return depositForm(request, reply, { offer, form: live, valeurs: submitted(body), ...messages }, 422);
    }
    return reply.redirect(`/signalisations/${encodeURIComponent(ack.referenceSignalisation)}?depot=${ack.created ? 'nouveau' : 'deja'}`, 303);
  });

  // ---- closed tickets of the last 90 days and their export ------------------------------
  app.get('/signalisations/closes', async (request, reply) => {
    if (!(await allowed(request, reply, 'consulterHistorique'))) return reply;
    const q = request.query as Body;
    const curseur = valueOf(q, 'curseur').slice(0, 200);
    const now = rules.clock.now();
    const periode = { debut: historyWindowStart(now), fin: new Date(now.getTime() + 1) };
    let page: Awaited<ReturnType<typeof signalisations.history>> = { signalisations: [] };
    let erreur: string | null = null;
    try {
      page = await run(request, 'consulterHistorique', () => signalisations.history(caller(request), { periode, ...(curseur ? { curseur } : {}) }));
    } catch (error) {
      erreur = `${asFault(error).libelle} (code ${(error as EsavFault).code})`;
    }
    return sendPage(request, reply, 'signalisations/closes', {
      title: 'Signalisations closes',
      current: '/signalisations',
      status: erreur ? 400 : 200,
      erreur,
      depuis: parisDayOf(periode.debut),
      maxExport: MAX_EXPORT_ROWS.toLocaleString('fr-FR'),
      lignes: page.signalisations.map((s) => row(s)),
      suivante: page.curseurSuivant ? `/signalisations/closes?curseur=${encodeURIComponent(page.curseurSuivant)}` : null,
      premiere: curseur ? '/signalisations/closes' : null,
      peutDeposer: canDeposit(request),
    });
  });

  app.get('/signalisations/closes.csv', async (request, reply) => {
    if (!(await allowed(request, reply, 'consulterHistorique'))) return reply;
    const session = sessionOf(request);
    const now = rules.clock.now();
    // Each page read is one consulterHistorique request: counted and rate-limited as such. The
    // first page is read here (a refusal is an ordinary error page); the others as the client
    // reads the file: the stream asks for the next page only once the socket has taken the text
    // (backpressure), and a client that goes away destroys the stream, which ends the reading.
    const exported = await closedSignalisationsExport(
      (c, r) => run(request, 'consulterHistorique', () => signalisations.history(c, r)),
      caller(request),
      now,
    );
    // A failure after the first byte cannot become an error page: the response is cut (no final
    // chunk), which the browser reports as a failed download rather than a short file.
    const body = Readable.from(exported.chunks, { objectMode: false, highWaterMark: 64 * 1024 });
    reply.raw.once('close', () => {
      if (exported.progress.truncated) request.log.info({ rows: exported.progress.rows, pages: exported.progress.pages }, 'closed signalisations export cut at its maximum');
    });
    return reply
      .header('content-disposition', `attachment; filename="${closedExportFileName(session.user.operatorCode, now)}"`)
      .header('cache-control', 'no-store')
      .type('text/csv; charset=utf-8')
      .send(body);
  });

  // ---- detail and complement -------------------------------------------------------------
  const unknown = (request: FastifyRequest, reply: FastifyReply) =>
    sendMessage(request, reply, 404, 'Signalisation inconnue', "Cette signalisation n'existe pas ou vous n'y avez pas accès.");

  /** The detail, or undefined when unknown to this operator (also beyond the 90 days). */
  const findDetail = async (request: FastifyRequest, reference: string): Promise<SignalisationDetail | undefined> => {
    if (!REFERENCE.test(reference)) return undefined;
    try {
      return await run(request, 'consulterDetailSignalisation', () => signalisations.detail(caller(request), { referenceSignalisation: reference }));
    } catch (error) {
      const fault = asFault(error);
      if (fault.code === 310 || fault.code === 312) return undefined;
      throw fault;
    }
  };

  const detailPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    detail: SignalisationDetail,
    options: { status?: number; valeurs?: Record<string, string>; erreurs?: Record<string, string>; erreurGenerale?: string | null } = {},
  ) => {
    const s = detail.signalisation;
    const offer = catalogue.offers.get(s.offerCode);
    const form = offer?.formulaires.find((f) => f.idFormulaire === s.formulaire.idFormulaire && f.version === s.formulaire.version);
    const guarantee = catalogue.guarantees.get(s.garantieCode);
    const q = request.query as Body;
    const depot = valueOf(q, 'depot');
    const canComplete = s.etat === 'GELE' && grants(sessionOf(request), 'completerSignalisation');
    const current: Record<string, string> = Object.fromEntries(s.champs.map((c) => [champInputName(c.code), c.valeur]));
    return sendPage(request, reply, 'signalisations/detail', {
      title: `Signalisation ${s.reference}`,
      current: '/signalisations',
      status: options.status ?? 200,
      s: {
        reference: s.reference,
        referenceInterneOC: s.referenceInterneOC,
        etat: ETAT_LIBELLES[s.etat] ?? s.etat,
        etatCode: s.etat,
        dateEtat: parisDateTime(s.dateEtat),
        motif: s.motif,
        attente: s.etat === 'GELE' && s.attente ? ATTENTE_LIBELLES[s.attente] ?? s.attente : null,
        depot: parisDateTime(s.depositedAt),
        offre: offer ? `${offer.libelle} (${s.offerCode})` : s.offerCode,
        formulaire: `${s.formulaire.idFormulaire} version ${s.formulaire.version}`,
        defaut: libelleIn(offer?.nomenclatures.defautDeclare, s.defautDeclare),
        impact: IMPACTS.find((i) => i.code === s.impact)?.libelle ?? s.impact,
        dateDebutDefaut: parisDateTime(s.dateDebutDefaut),
        localisation: libelleIn(offer?.nomenclatures.localisationPresumee, s.localisationPresumee),
        contactSite: s.contactSite,
        contactOC: s.contactOC,
        accesSite: s.accesSite,
        commentaire: s.commentaire,
        champs: s.champs.map((c) => ({ libelle: form?.champs.find((f) => f.code === c.code)?.libelle ?? c.code, code: c.code, valeur: c.valeur })),
        garantie: guarantee ? `${guarantee.libelle} (${s.garantieCode})` : s.garantieCode,
        echeance: parisDateTime(s.echeanceRetablissement),
        causeCloture: s.causeCloture,
        dateCloture: parisDateTime(s.dateCloture),
      },
      prestation: detail.prestation,
      historique: detail.history.map((h) => ({
        date: parisDateTime(h.at),
        de: h.from ? ETAT_LIBELLES[h.from] : '',
        vers: ETAT_LIBELLES[h.to] ?? h.to,
        acteur: ACTEUR_LIBELLES[h.actor] ?? h.actor,
        motif: h.motif ?? '',
      })),
      commentaires: detail.comments.map((c) => ({ date: parisDateTime(c.at), auteur: ACTEUR_LIBELLES[c.author] ?? c.author, texte: c.texte })),
      rendezVous: detail.appointments.map((r) => ({ id: r.idRendezVous, type: r.typeRendezVous, debut: parisDateTime(r.debut), fin: parisDateTime(r.fin), statut: r.statut })),
      tests: detail.tests.map((t) => ({ id: t.idDemandeTest, type: t.typeTest, statut: t.statut, verdict: t.verdict ?? '', date: parisDateTime(t.dateDemande) })),
      accuse: depot === 'nouveau' || depot === 'deja' ? depot : valueOf(q, 'complement') === '1' ? 'complement' : null,
      complement: canComplete
        ? {
            champs: [
              commentField(true),
              ...(form?.champs.map((f) => formFieldView(f, { required: false })) ?? []),
              // A new site contact replaces the stored one (both parts, or neither), as in SOAP.
              ...contactFields()
                .filter((f) => f.name.startsWith('contactSite.'))
                .map((f) => ({ ...f, required: false, help: 'Nouveau contact sur site : remplissez le nom et le téléphone, ou aucun des deux.' })),
              ...accessFields(),
            ] as FieldView[],
            valeurs: options.valeurs ?? current,
            erreurs: options.erreurs ?? {},
            erreurGenerale: options.erreurGenerale ?? null,
          }
        : null,
    });
  };

  app.get<{ Params: { reference: string } }>('/signalisations/:reference', async (request, reply) => {
    if (!(await allowed(request, reply, 'consulterDetailSignalisation'))) return reply;
    const detail = await findDetail(request, request.params.reference);
    if (!detail) return unknown(request, reply);
    return detailPage(request, reply, detail);
  });

  app.post<{ Params: { reference: string } }>('/signalisations/:reference/completer', async (request, reply) => {
    if (!(await allowed(request, reply, 'completerSignalisation'))) return reply;
    const reference = request.params.reference;
    const detail = REFERENCE.test(reference)
      ? await signalisations.detail(caller(request), { referenceSignalisation: reference }).catch((error: unknown) => {
          if (asFault(error).code === 310 || (error as EsavFault).code === 312) return undefined;
          throw error;
        })
      : undefined;
    if (!detail) return unknown(request, reply);
    const s = detail.signalisation;
    const form = catalogue.offers.get(s.offerCode)?.formulaires.find((f) => f.idFormulaire === s.formulaire.idFormulaire && f.version === s.formulaire.version);
    const body = request.body;
    const champs = champsOf(form, body);
    const completion: CompletionRequest = {
      key: { referenceSignalisation: reference },
      commentaire: valueOf(body, 'commentaire'),
      ...(champs.length > 0 ? { champs } : {}),
      ...contactSiteOf(body),
      ...accesSiteOf(body),
    };
    try {
      await run(request, 'completerSignalisation', async () => {
        requestSchema.checkCompletion(completion);
        return signalisations.complete(caller(request), completion);
      });
    } catch (error) {
      const fault = asFault(error);
      if (fault.code === 310) return unknown(request, reply);
      const inputs = ['commentaire', 'contactSite.nom', 'contactSite.telephone', 'accesSite.horaires', 'accesSite.informations', ...(form?.champs.map((f) => champInputName(f.code)) ?? [])];
      return detailPage(request, reply, detail, { status: 422, valeurs: submitted(body), ...faultMessages(fault, inputs, champs) });
    }
    return reply.redirect(`/signalisations/${encodeURIComponent(reference)}?complement=1`, 303);
  });
};
