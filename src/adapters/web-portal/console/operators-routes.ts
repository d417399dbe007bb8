// Console: operators (list, detail with certificates, conformance runs and validated domains,
// onboarding from the order form, promotion to production) and their portal accounts (create,
// reset password, disable/enable, unlock, second factor required; one user's page; one
// conformance run's page) — the admin API's
// /admin/operateurs…, /admin/conformite… and /admin/portail… routes, the agent being the staff member.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ACCES_DEMANDES, PROMOTION_DOMAINS } from '../../../domain/operators.js';
import { parisDateTime } from '../paris-time.js';
import { apiRefusal, type AdminOperationId } from './api.js';
import { agentOf, formList, formText, refusalErrors, sendConsolePage, type ConsolePageDeps, type FieldErrors } from './common.js';


/** A portal user as the admin API answers it (getPortalUser). */
interface PortalUserJson {
  identifiant: string;
  operateur: string;
  nom: string;
  profil: string;
  totpEnrole: boolean;
  verrouilleJusqua: string | null;
  desactiveLe: string | null;
}

/** A conformance run as the admin API answers it (getConformanceRun). */
interface ConformanceRunJson {
  idExecution: number;
  operateur: string;
  plateforme: string;
  debut: string;
  fin: string;
  enregistreeLe: string;
  domaines: string[];
  domainesValides: string[];
  reussie: boolean;
  empreinteCertificat: string;
  rapports: { junit: boolean; html: boolean };
  idCampagne: number | null;
  preuves?: unknown;
}

const CODE = /^[A-Z0-9]{4}$/;
const IDENTIFIER = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const when = (iso: string | null | undefined) => (iso ? parisDateTime(new Date(iso)) : '');

/** The order form's fields: form name → label. */
const ORDER_FORM = [
  ['codeOperateur', 'Code opérateur (4 caractères)'],
  ['referenceContrat', 'Référence du contrat'],
  ['numeroAffaire', 'Numéro d’affaire'],
  ['raisonSociale', 'Raison sociale'],
  ['siret', 'SIRET'],
  ['representant', 'Représentant'],
  ['telephone', 'Téléphone'],
  ['email', 'E-mail'],
  ['adresse', 'Adresse postale (1 à 3 lignes)'],
  ['contactNom', 'Contact e-SAV : nom'],
  ['contactFonction', 'Contact e-SAV : fonction'],
  ['contactTelephone', 'Contact e-SAV : téléphone'],
  ['contactEmail', 'Contact e-SAV : e-mail'],
  ['acces', 'Accès demandé'],
  ['commentaires', 'Commentaires'],
] as const;

/** Each "(field)" of the domain's list of mistakes, on its form field. */
function orderFormErrors(message: string): FieldErrors {
  const errors: FieldErrors = {};
  for (const line of message.split('\n')) {
    const match = /\((\w+)(?:\.(\w+))?\)/.exec(line);
    if (!match) continue;
    const field = match[1] === 'contactEsav' ? `contact${(match[2] ?? 'nom').replace(/^./, (c) => c.toUpperCase())}` : match[1]!;
    errors[field] = (errors[field] ? `${errors[field]} ` : '') + line.replace(/^\s*-\s*/, '');
  }
  if (Object.keys(errors).length === 0) errors._general = message;
  return errors;
}

export const operatorsConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api }) => {
  async function listPage(request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldErrors; values?: Record<string, string>; status?: number } = {}) {
    const list = await api.call<{ operateurs: { code: string; raisonSociale: string; siret: string; plateforme: string; certificatsActifs: number; creeLe: string }[] }>('listOperators');
    return sendConsolePage(request, reply, 'operateurs', {
      title: 'Opérateurs',
      current: '/console/operateurs',
      operators: list.operateurs,
      fields: ORDER_FORM.map(([name, label]) => ({ name, label })),
      acces: ACCES_DEMANDES.map((a) => ({ value: a, label: a })),
      when,
      ...extra,
    });
  }

  async function detailPage(request: FastifyRequest, reply: FastifyReply, code: string, extra: { errors?: FieldErrors; values?: Record<string, string>; status?: number; notice?: string | null; password?: { identifier: string; value: string } | null } = {}) {
    if (!CODE.test(code)) return sendConsolePage(request, reply, 'message', { title: 'Opérateur introuvable', status: 404, message: `Code ${code} invalide.` });
    try {
      const [operator, conformance, users, profiles] = await Promise.all([
        api.call<Record<string, unknown> & { code: string; raisonSociale: string; plateforme: string; domainesProduction: string[]; bonDeCommande: Record<string, unknown> | null; certificats: { empreinte: string; sujet: string; profil: string; etat: string; finValidite: string }[]; domainesValides: string[] }>('getOperator', { params: { code } }),
        api.call<{ domainesValides: string[]; executions: { idExecution: number; plateforme: string; debut: string; domaines: string[]; domainesValides: string[]; reussie: boolean; rapports: { html: boolean; junit: boolean } }[] }>('getOperatorConformance', { params: { operateur: code }, query: { limite: 20 } }),
        api.call<{ utilisateurs: { identifiant: string; nom: string; profil: string; totpEnrole: boolean; verrouilleJusqua: string | null; desactiveLe: string | null }[] }>('listPortalUsers', { query: { operateur: code } }),
        api.call<{ profils: { nom: string; libelle: string }[] }>('listProfiles'),
      ]);
      return sendConsolePage(request, reply, 'operateur', {
        title: `Opérateur ${code}`,
        current: '/console/operateurs',
        operator,
        conformance,
        users: users.utilisateurs,
        profiles: [{ value: '', label: '— Choisir —' }, ...profiles.profils.map((p) => ({ value: p.nom, label: `${p.nom} – ${p.libelle}` }))],
        domains: PROMOTION_DOMAINS.map((d) => ({ value: d, label: d })),
        password: null,
        when,
        ...extra,
      });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (refusal) return sendConsolePage(request, reply, 'message', { title: 'Opérateur introuvable', status: 404, message: refusal.message });
      throw error;
    }
  }

  app.get('/console/operateurs', async (request, reply) => listPage(request, reply));

  app.post('/console/operateurs', async (request, reply) => {
    const values = Object.fromEntries(ORDER_FORM.map(([name]) => [name, formText(request, name, name === 'adresse' || name === 'commentaires' ? 2000 : 300)]));
    const contact = [values.contactNom, values.contactFonction, values.contactTelephone, values.contactEmail];
    const body: Record<string, unknown> = { agent: agentOf(request) };
    for (const [name] of ORDER_FORM) {
      if (name.startsWith('contact') || values[name] === '') continue;
      body[name] = name === 'adresse' ? values[name]!.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '') : values[name];
    }
    if (contact.some((v) => v !== '')) body.contactEsav = { nom: values.contactNom, fonction: values.contactFonction, telephone: values.contactTelephone, email: values.contactEmail };
    try {
      const created = await api.call<{ code: string }>('onboardOperator', { body });
      return reply.redirect(`/console/operateurs/${created.code}`, 303);
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return listPage(request, reply, { errors: orderFormErrors(refusal.message), values, status: refusal.status === 409 ? 409 : 400 });
    }
  });

  app.get<{ Params: { code: string } }>('/console/operateurs/:code', async (request, reply) => detailPage(request, reply, request.params.code));

  app.post<{ Params: { code: string } }>('/console/operateurs/:code/promotion', async (request, reply) => {
    const code = request.params.code;
    const domains = formList(request, 'domaines').filter((d) => (PROMOTION_DOMAINS as readonly string[]).includes(d));
    if (domains.length === 0) return detailPage(request, reply, code, { errors: { domaines: 'Cochez au moins un domaine.' }, status: 400 });
    try {
      await api.call('promoteOperator', { params: { code }, body: { agent: agentOf(request), domaines: domains } });
      return detailPage(request, reply, code, { notice: `Promu en production pour : ${domains.join(', ')}.` });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return detailPage(request, reply, code, { errors: { domaines: refusal.message }, status: 409 });
    }
  });

  app.post<{ Params: { code: string } }>('/console/operateurs/:code/portail/utilisateurs', async (request, reply) => {
    const code = request.params.code;
    const values = { identifiant: formText(request, 'identifiant', 64), nom: formText(request, 'nom', 200), profil: formText(request, 'profil', 64) };
    const errors: FieldErrors = {};
    if (!IDENTIFIER.test(values.identifiant)) errors.identifiant = '3 à 64 caractères parmi a-z, 0-9, « . », « _ », « - ».';
    if (values.nom === '') errors.nom = 'Saisissez le nom affiché.';
    if (values.profil === '') errors.profil = 'Choisissez le profil.';
    if (Object.keys(errors).length > 0) return detailPage(request, reply, code, { errors, values, status: 400 });
    try {
      const created = await api.call<{ motDePasse: string }>('createPortalUser', { body: { agent: agentOf(request), operateur: code, ...values } });
      return detailPage(request, reply, code, { notice: `Utilisateur ${values.identifiant} créé.`, password: { identifier: values.identifiant, value: created.motDePasse } });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return detailPage(request, reply, code, { errors: refusalErrors(refusal.message, { identifiant: 'identifiant', nom: 'nom', profil: 'profil' }), values, status: refusal.status === 409 ? 409 : 400 });
    }
  });

  type UserExtra = { errors?: FieldErrors; status?: number; notice?: string | null; password?: { identifier: string; value: string } | null };
  /** One portal user of the operator (getPortalUser) with its actions; another operator's user is not found here. */
  async function userPage(request: FastifyRequest, reply: FastifyReply, code: string, identifiant: string, extra: UserExtra = {}) {
    const notFound = (message: string) => sendConsolePage(request, reply, 'message', { title: 'Utilisateur introuvable', status: 404, message });
    if (!CODE.test(code) || !IDENTIFIER.test(identifiant)) return notFound(`Utilisateur ${identifiant} de ${code} invalide.`);
    try {
      const user = await api.call<PortalUserJson>('getPortalUser', { params: { identifiant } });
      if (user.operateur !== code) return notFound(`utilisateur ${identifiant} inconnu chez ${code}`);
      return sendConsolePage(request, reply, 'utilisateur-portail', { title: `Utilisateur ${identifiant} de ${code}`, current: '/console/operateurs', portalUser: user, password: null, when, ...extra });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return notFound(refusal.message);
    }
  }

  app.get<{ Params: { code: string; identifiant: string } }>('/console/operateurs/:code/portail/utilisateurs/:identifiant', async (request, reply) =>
    userPage(request, reply, request.params.code, request.params.identifiant),
  );

  // One conformance run: what it validated, and what the gateway served during its campaign.
  app.get<{ Params: { id: string } }>('/console/conformite/executions/:id', async (request, reply) => {
    const id = Number(request.params.id);
    if (!Number.isInteger(id) || id < 1) return sendConsolePage(request, reply, 'message', { title: 'Exécution introuvable', status: 404, message: 'Numéro d’exécution invalide.' });
    try {
      const run = await api.call<ConformanceRunJson>('getConformanceRun', { params: { id } });
      const proofs = run.preuves === null || run.preuves === undefined ? null : JSON.stringify(run.preuves, null, 2);
      return sendConsolePage(request, reply, 'conformite-execution', { title: `Exécution de conformité n° ${id}`, current: '/console/operateurs', run, proofs, when });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return sendConsolePage(request, reply, 'message', { title: 'Exécution introuvable', status: 404, message: refusal.message });
    }
  });

  const ACTIONS: Record<string, { operation: AdminOperationId; notice: string }> = {
    'mot-de-passe': { operation: 'resetPortalUserPassword', notice: 'Nouveau mot de passe généré ; sessions fermées.' },
    desactivation: { operation: 'disablePortalUser', notice: 'Utilisateur désactivé ; sessions fermées.' },
    activation: { operation: 'enablePortalUser', notice: 'Utilisateur réactivé.' },
    deverrouillage: { operation: 'unlockPortalUser', notice: 'Verrouillage levé.' },
  };
  app.post<{ Params: { code: string; identifiant: string; action: string } }>('/console/operateurs/:code/portail/utilisateurs/:identifiant/:action', async (request, reply) => {
    const { code, identifiant, action } = request.params;
    const known = ACTIONS[action];
    if (!known || !IDENTIFIER.test(identifiant)) return sendConsolePage(request, reply, 'message', { title: 'Action inconnue', status: 404, message: 'Cette action n’existe pas.' });
    // From the user's own page (hidden field retour=fiche) the answer is that page again, else the operator's.
    const answer = (extra: UserExtra) => (formText(request, 'retour') === 'fiche' ? userPage(request, reply, code, identifiant, extra) : detailPage(request, reply, code, extra));
    try {
      const result = await api.call<{ motDePasse?: string }>(known.operation, { params: { identifiant }, body: { agent: agentOf(request) } });
      return answer({ notice: `${identifiant} : ${known.notice}`, password: result.motDePasse ? { identifier: identifiant, value: result.motDePasse } : null });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return answer({ errors: { _general: refusal.message }, status: refusal.status === 404 ? 404 : 409 });
    }
  });

  // A kept conformance report, downloaded as a file (its HTML is not shown inside the console's CSP).
  app.get<{ Params: { id: string } }>('/console/conformite/executions/:id/rapport', async (request, reply) => {
    const id = Number(request.params.id);
    const format = (request.query as Record<string, unknown>).format === 'junit' ? 'junit' : 'html';
    if (!Number.isInteger(id) || id < 1) return sendConsolePage(request, reply, 'message', { title: 'Rapport introuvable', status: 404, message: 'Numéro d’exécution invalide.' });
    try {
      const report = await api.call('getConformanceReport', { params: { id }, query: { format }, stream: true });
      return reply
        .header('content-disposition', `attachment; filename="conformite-${id}.${format === 'junit' ? 'xml' : 'html'}"`)
        .type(report.contentType)
        .send(report.body);
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return sendConsolePage(request, reply, 'message', { title: 'Rapport introuvable', status: 404, message: refusal.message });
    }
  });

  app.post<{ Params: { code: string } }>('/console/operateurs/:code/portail/totp', async (request, reply) => {
    const code = request.params.code;
    const required = formText(request, 'obligatoire') === 'oui';
    try {
      await api.call('setPortalTotpRequirement', { params: { code }, body: { agent: agentOf(request), obligatoire: required } });
      return detailPage(request, reply, code, { notice: `Second facteur ${required ? 'obligatoire' : 'facultatif'} pour les utilisateurs du portail de ${code}.` });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return detailPage(request, reply, code, { errors: { _general: refusal.message }, status: 404 });
    }
  });
};
