// Console: the support staff's own accounts (create with the password shown once, disable/enable,
// unlock, reset the password or the second factor; one account's page) — the admin API's /admin/support/comptes…
// routes, the agent being the staff member. A member cannot disable their own account here.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parisDateTime } from '../paris-time.js';
import { apiRefusal, type AdminOperationId } from './api.js';
import { agentOf, formText, refusalErrors, sendConsolePage, type ConsolePageDeps, type FieldErrors } from './common.js';


/** A staff account as the admin API answers it (getSupportAccount). */
interface SupportAccountJson {
  identifiant: string;
  nom: string;
  totpEnrole: boolean;
  verrouilleJusqua: string | null;
  desactiveLe: string | null;
  creeLe: string | null;
}

const IDENTIFIER = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const when = (iso: string | null | undefined) => (iso ? parisDateTime(new Date(iso)) : '');

const ACTIONS: Record<string, { operation: AdminOperationId; words: string }> = {
  desactivation: { operation: 'disableSupportAccount', words: 'compte désactivé ; sessions fermées.' },
  activation: { operation: 'enableSupportAccount', words: 'compte réactivé.' },
  deverrouillage: { operation: 'unlockSupportAccount', words: 'verrouillage levé.' },
  'mot-de-passe': { operation: 'resetSupportAccountPassword', words: 'nouveau mot de passe généré ; sessions fermées.' },
  totp: { operation: 'resetSupportAccountTotp', words: 'second facteur à enrôler à la prochaine connexion ; sessions fermées.' },
};

export const supportAccountsConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api }) => {
  async function page(request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldErrors; values?: Record<string, string>; status?: number; notice?: string | null; password?: { identifier: string; value: string } | null } = {}) {
    const list = await api.call<{ utilisateurs: SupportAccountJson[] }>('listSupportAccounts');
    return sendConsolePage(request, reply, 'support', { title: 'Comptes du support', current: '/console/support', users: list.utilisateurs, me: agentOf(request), password: null, when, ...extra });
  }

  app.get('/console/support', async (request, reply) => page(request, reply));

  type Extra = { errors?: FieldErrors; status?: number; notice?: string | null; password?: { identifier: string; value: string } | null };
  /** One staff account (getSupportAccount) with its actions; a refusal of the API (404) as the message page. */
  async function accountPage(request: FastifyRequest, reply: FastifyReply, identifiant: string, extra: Extra = {}) {
    try {
      const account = await api.call<SupportAccountJson>('getSupportAccount', { params: { identifiant } });
      return sendConsolePage(request, reply, 'compte-support', { title: `Compte du support ${account.identifiant}`, current: '/console/support', account, me: agentOf(request), password: null, when, ...extra });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return sendConsolePage(request, reply, 'message', { title: 'Compte introuvable', status: 404, message: refusal.message });
    }
  }

  app.get<{ Params: { identifiant: string } }>('/console/support/:identifiant', async (request, reply) => {
    const { identifiant } = request.params;
    if (!IDENTIFIER.test(identifiant)) return sendConsolePage(request, reply, 'message', { title: 'Compte introuvable', status: 404, message: `Identifiant ${identifiant} invalide.` });
    return accountPage(request, reply, identifiant);
  });

  app.post('/console/support', async (request, reply) => {
    const values = { identifiant: formText(request, 'identifiant', 64), nom: formText(request, 'nom', 200) };
    const errors: FieldErrors = {};
    if (!IDENTIFIER.test(values.identifiant)) errors.identifiant = '3 à 64 caractères parmi a-z, 0-9, « . », « _ », « - ».';
    if (values.nom === '') errors.nom = 'Saisissez le nom affiché.';
    if (Object.keys(errors).length > 0) return page(request, reply, { errors, values, status: 400 });
    try {
      const created = await api.call<{ motDePasse: string }>('createSupportAccount', { body: { agent: agentOf(request), ...values } });
      return page(request, reply, { notice: `Compte ${values.identifiant} créé.`, password: { identifier: values.identifiant, value: created.motDePasse } });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return page(request, reply, { errors: refusalErrors(refusal.message, { identifiant: 'identifiant', nom: 'nom' }), values, status: refusal.status === 409 ? 409 : 400 });
    }
  });

  app.post<{ Params: { identifiant: string; action: string } }>('/console/support/:identifiant/:action', async (request, reply) => {
    const { identifiant, action } = request.params;
    const known = ACTIONS[action];
    if (!known || !IDENTIFIER.test(identifiant)) return sendConsolePage(request, reply, 'message', { title: 'Action inconnue', status: 404, message: 'Cette action n’existe pas.' });
    // From the account's own page (hidden field retour=fiche) the answer is that page again, else the list.
    const answer = (extra: Extra) => (formText(request, 'retour') === 'fiche' ? accountPage(request, reply, identifiant, extra) : page(request, reply, extra));
    if (identifiant === agentOf(request) && action !== 'activation' && action !== 'deverrouillage') {
      return answer({ errors: { _general: 'Cette action sur votre propre compte passe par un autre membre du support (ou la ligne de commande).' }, status: 409 });
    }
    try {
      const result = await api.call<{ motDePasse?: string }>(known.operation, { params: { identifiant }, body: { agent: agentOf(request) } });
      return answer({ notice: `${identifiant} : ${known.words}`, password: result.motDePasse ? { identifier: identifiant, value: result.motDePasse } : null });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return answer({ errors: { _general: refusal.message }, status: refusal.status === 404 ? 404 : 409 });
    }
  });
};
