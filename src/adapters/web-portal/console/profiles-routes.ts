// The console's profiles (issue 14): the list with what uses each profile, create (the operations
// as checkboxes: the names the gateway serves, or all), change the operations granted and the
// libellé, retire (refused by the admin API while in use). Through the admin API only; a refusal
// is shown beside the field it names.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { apiRefusal, segment } from './api.js';
import { agentOf, formList, formText, queryText, refusalErrors, sendConsolePage, supportSessionOf, type ConsolePageDeps, type FieldErrors } from './common.js';


/** A profile as the admin API answers it (GET /admin/profils/:nom). */
interface ProfileJson {
  nom: string;
  libelle: string;
  operations: string[];
  etat: 'EN_SERVICE' | 'RETIRE';
  creePar: string | null;
  retirePar: string | null;
  certificatsUtilisant: number;
  utilisateursPortailUtilisant: number;
}

const FIELDS = { nom: 'nom', libelle: 'libelle', operations: 'operations', agent: '_general' };
const NAME = /^[A-Z0-9_]{1,64}$/;

export const profilesConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api }) => {
  const operationNames = async () => (await api.call<{ operations: string[] }>('listGrantableOperations')).operations;

  async function listPage(request: FastifyRequest, reply: FastifyReply, status: number, errors: FieldErrors, values: Record<string, unknown>) {
    const [list, operations] = await Promise.all([api.call<{ profils: ProfileJson[] }>('listProfiles'), operationNames()]);
    const done = queryText(request, 'fait', 200);
    return sendConsolePage(request, reply, 'profils', {
      title: 'Profils',
      current: '/console/profils',
      status,
      user: supportSessionOf(request).user,
      profiles: list.profils,
      operations,
      errors,
      values,
      notice: done || null,
    });
  }

  async function profilePage(request: FastifyRequest, reply: FastifyReply, name: string, status: number, errors: FieldErrors, values: Record<string, unknown> | null) {
    let profile: ProfileJson;
    try {
      profile = await api.call<ProfileJson>('getProfile', { params: { nom: name } });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return sendConsolePage(request, reply, 'profil', { title: 'Profil introuvable', current: '/console/profils', status: 404, profile: null, missing: refusal.message, operations: [], errors: {}, values: {} });
    }
    return sendConsolePage(request, reply, 'profil', {
      title: `Profil ${profile.nom}`,
      current: '/console/profils',
      status,
      profile,
      missing: null,
      operations: await operationNames(),
      errors,
      values: values ?? { libelle: profile.libelle, operations: profile.operations },
      notice: queryText(request, 'fait', 200) || null,
    });
  }

  app.get('/console/profils', async (request, reply) => listPage(request, reply, 200, {}, { operations: [] }));

  app.post('/console/profils', async (request, reply) => {
    const values = { nom: formText(request, 'nom', 64), libelle: formText(request, 'libelle', 200), operations: formList(request, 'operations') };
    try {
      await api.call('createProfile', { body: { agent: agentOf(request), ...values } });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return listPage(request, reply, refusal.status === 409 ? 409 : 400, refusalErrors(refusal.message, FIELDS), values);
    }
    return reply.redirect(`/console/profils?fait=${encodeURIComponent(`Profil ${values.nom} créé.`)}`, 303);
  });

  app.get<{ Params: { nom: string } }>('/console/profils/:nom', async (request, reply) => profilePage(request, reply, request.params.nom, 200, {}, null));

  app.post<{ Params: { nom: string } }>('/console/profils/:nom', async (request, reply) => {
    const name = request.params.nom;
    if (!NAME.test(name)) return profilePage(request, reply, name, 404, {}, null);
    const values = { libelle: formText(request, 'libelle', 200), operations: formList(request, 'operations') };
    try {
      await api.call('updateProfile', { params: { nom: name }, body: { agent: agentOf(request), ...values } });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return profilePage(request, reply, name, refusal.status === 404 ? 404 : refusal.status === 409 ? 409 : 400, refusalErrors(refusal.message, FIELDS), values);
    }
    return reply.redirect(`/console/profils/${segment(name)}?fait=${encodeURIComponent('Opérations et libellé enregistrés : effectifs pour les connexions et sessions ouvertes.')}`, 303);
  });

  app.post<{ Params: { nom: string } }>('/console/profils/:nom/retrait', async (request, reply) => {
    const name = request.params.nom;
    if (!NAME.test(name)) return profilePage(request, reply, name, 404, {}, null);
    try {
      await api.call('retireProfile', { params: { nom: name }, body: { agent: agentOf(request) } });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return profilePage(request, reply, name, refusal.status === 404 ? 404 : 409, { _general: refusal.message.replace(/^requête invalide : /, '') }, null);
    }
    return reply.redirect(`/console/profils?fait=${encodeURIComponent(`Profil ${name} retiré : il ne peut plus être attribué.`)}`, 303);
  });
};
