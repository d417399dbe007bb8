// Console: certificates (list, renewals due, issue from an uploaded CSR or as a generated PKCS#12
// downloaded once, register a recognised CA's certificate, revoke, PEM download) and recognised CAs
// (add, withdraw) — the admin API's /admin/certificats… and /admin/autorites… routes, the agent
// being the staff member.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parisDateTime } from '../paris-time.js';
import { apiRefusal } from './api.js';
import { agentOf, formText, queryText, refusalErrors, sendConsolePage, supportSessionOf, type ConsolePageDeps, type FieldErrors } from './common.js';
import { OneTimeDownloads } from './one-time-downloads.js';


interface CertificateJson {
  empreinte: string;
  operateur: string;
  profil: string;
  etat: string;
  sujet: string;
  emetteur: string;
  numeroSerie: string;
  debutValidite: string;
  finValidite: string;
  origine: string;
  revoqueLe: string | null;
  revoquePar: string | null;
  motifRevocation: string | null;
  pem: string | null;
}

const FINGERPRINT = /^[0-9A-Fa-f:]{8,95}$/;
const when = (iso: string | null | undefined) => (iso ? parisDateTime(new Date(iso)) : '');

/** The admin API's answer to an issue or a renewal (issueCertificate, renewCertificate). */
type IssuedJson = { certificat: CertificateJson; avertissements: string[]; pkcs12?: string; motDePasseGenere?: string };

/** A PEM from the uploaded file (multipart) or, failing that, the pasted text. */
function pemOf(request: FastifyRequest, fileField: string, textField: string): string {
  const body = request.body as Record<string, unknown> | undefined;
  const file = body?.[fileField];
  if (Buffer.isBuffer(file) && file.length > 0) return file.toString('utf8').trim();
  return formText(request, textField, 32_000);
}

export const certificatesConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api, downloads: service }) => {
  const downloads = new OneTimeDownloads(service);

  /** The issued (or renewed) certificate's page; a generated PKCS#12 is offered once for download. */
  async function sendIssued(request: FastifyRequest, reply: FastifyReply, title: string, issued: IssuedJson) {
    const download = issued.pkcs12
      ? await downloads.put(supportSessionOf(request), `${issued.certificat.operateur}-${issued.certificat.empreinte.slice(0, 16)}.p12`, Buffer.from(issued.pkcs12, 'base64'))
      : null;
    return sendConsolePage(request, reply, 'certificat-emis', {
      title,
      current: '/console/certificats',
      status: 201,
      certificate: issued.certificat,
      warnings: issued.avertissements,
      download,
      password: issued.motDePasseGenere ?? null,
      when,
    });
  }

  async function listPage(request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldErrors; values?: Record<string, string>; status?: number; issued?: unknown; notice?: string | null } = {}) {
    const operator = queryText(request, 'operateur');
    const [certificates, renewals, operators, profiles] = await Promise.all([
      api.call<{ certificats: CertificateJson[] }>('listCertificates', { query: { ...(operator && /^[A-Z0-9]{4}$/.test(operator) ? { operateur: operator } : {}) } }),
      api.call<{ renouvellements: { certificat: CertificateJson; dateEcheance: string; dateExpiration: string; echu: boolean }[] }>('listCertificateRenewals', { query: { dans: 60 } }),
      api.call<{ operateurs: { code: string; raisonSociale: string }[] }>('listOperators'),
      api.call<{ profils: { nom: string; libelle: string }[] }>('listProfiles'),
    ]);
    return sendConsolePage(request, reply, 'certificats', {
      title: 'Certificats',
      current: '/console/certificats',
      certificates: certificates.certificats,
      renewals: renewals.renouvellements,
      operators: [{ value: '', label: '— Choisir —' }, ...operators.operateurs.map((o) => ({ value: o.code, label: `${o.code} – ${o.raisonSociale}` }))],
      profiles: [{ value: '', label: '— Choisir —' }, ...profiles.profils.map((p) => ({ value: p.nom, label: `${p.nom} – ${p.libelle}` }))],
      when,
      ...extra,
    });
  }

  async function certificatePage(request: FastifyRequest, reply: FastifyReply, fingerprint: string, extra: { errors?: FieldErrors; values?: Record<string, string>; status?: number; notice?: string | null } = {}) {
    try {
      const [certificate, profiles] = await Promise.all([
        api.call<CertificateJson>('getCertificate', { params: { empreinte: fingerprint } }),
        api.call<{ profils: { nom: string; libelle: string }[] }>('listProfiles'),
      ]);
      return sendConsolePage(request, reply, 'certificat', {
        title: `Certificat ${certificate.sujet}`,
        current: '/console/certificats',
        certificate,
        profiles: profiles.profils.map((p) => ({ value: p.nom, label: `${p.nom} – ${p.libelle}` })),
        when,
        ...extra,
      });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (refusal) return sendConsolePage(request, reply, 'message', { title: 'Certificat introuvable', status: 404, message: refusal.message });
      throw error;
    }
  }

  app.get('/console/certificats', async (request, reply) => listPage(request, reply));

  app.post('/console/certificats/emission', async (request, reply) => {
    const values = { operateur: formText(request, 'operateur', 10), profil: formText(request, 'profil', 64), mode: formText(request, 'mode', 10) || 'csr' };
    const csr = pemOf(request, 'csrFichier', 'csr');
    const errors: FieldErrors = {};
    if (!/^[A-Z0-9]{4}$/.test(values.operateur)) errors.operateur = 'Choisissez l’opérateur.';
    if (!/^[A-Z0-9_]{1,64}$/.test(values.profil)) errors.profil = 'Choisissez le profil.';
    if (values.mode === 'csr' && !csr.includes('-----BEGIN CERTIFICATE REQUEST-----')) errors.csr = 'Déposez la demande de certificat (CSR PKCS#10, PEM) de l’opérateur.';
    if (Object.keys(errors).length > 0) return listPage(request, reply, { errors, values, status: 400 });
    try {
      const issued = await api.call<IssuedJson>('issueCertificate', {
        body: { agent: agentOf(request), operateur: values.operateur, profil: values.profil, ...(values.mode === 'pkcs12' ? { pkcs12: true } : { csr }) },
      });
      return sendIssued(request, reply, 'Certificat émis', issued);
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return listPage(request, reply, { errors: refusalErrors(refusal.message, { operateur: 'operateur', profil: 'profil', csr: 'csr' }), values, status: refusal.status === 409 ? 409 : 400 });
    }
  });

  app.get<{ Params: { handle: string } }>('/console/telechargements/:handle', async (request, reply) => {
    const file = await downloads.take(supportSessionOf(request), request.params.handle);
    if (!file) return sendConsolePage(request, reply, 'message', { title: 'Téléchargement indisponible', status: 410, message: 'Ce fichier a déjà été téléchargé ou a expiré : il n’est jamais proposé deux fois.' });
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .type('application/x-pkcs12')
      .send(file.content);
  });

  app.post('/console/certificats/enregistrement', async (request, reply) => {
    const values = { operateur: formText(request, 'operateur', 10), profil: formText(request, 'profil', 64) };
    const pem = pemOf(request, 'pemFichier', 'pem');
    const errors: FieldErrors = {};
    if (!/^[A-Z0-9]{4}$/.test(values.operateur)) errors.enregistrementOperateur = 'Choisissez l’opérateur.';
    if (!/^[A-Z0-9_]{1,64}$/.test(values.profil)) errors.enregistrementProfil = 'Choisissez le profil.';
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) errors.pem = 'Déposez le certificat (PEM) émis par l’autorité reconnue.';
    if (Object.keys(errors).length > 0) return listPage(request, reply, { errors, values, status: 400 });
    try {
      const registered = await api.call<{ certificat: CertificateJson }>('registerCertificate', {
        body: { agent: agentOf(request), operateur: values.operateur, profil: values.profil, pem },
      });
      return reply.redirect(`/console/certificats/${registered.certificat.empreinte}`, 303);
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return listPage(request, reply, { errors: refusalErrors(refusal.message, { operateur: 'enregistrementOperateur', profil: 'enregistrementProfil', pem: 'pem' }), values, status: 400 });
    }
  });

  app.get<{ Params: { fingerprint: string } }>('/console/certificats/:fingerprint', async (request, reply) => {
    if (!FINGERPRINT.test(request.params.fingerprint)) return sendConsolePage(request, reply, 'message', { title: 'Certificat introuvable', status: 404, message: 'Empreinte invalide.' });
    return certificatePage(request, reply, request.params.fingerprint);
  });

  app.get<{ Params: { fingerprint: string } }>('/console/certificats/:fingerprint/certificat.pem', async (request, reply) => {
    if (!FINGERPRINT.test(request.params.fingerprint)) return sendConsolePage(request, reply, 'message', { title: 'Certificat introuvable', status: 404, message: 'Empreinte invalide.' });
    const certificate = await api.call<CertificateJson>('getCertificate', { params: { empreinte: request.params.fingerprint } });
    return reply
      .header('content-disposition', `attachment; filename="${certificate.operateur}-${certificate.empreinte.slice(0, 16)}.pem"`)
      .type('application/x-pem-file')
      .send(certificate.pem ?? '');
  });

  app.post<{ Params: { fingerprint: string } }>('/console/certificats/:fingerprint/revocation', async (request, reply) => {
    const fingerprint = request.params.fingerprint;
    if (!FINGERPRINT.test(fingerprint)) return sendConsolePage(request, reply, 'message', { title: 'Certificat introuvable', status: 404, message: 'Empreinte invalide.' });
    const motif = formText(request, 'motif', 500);
    if (motif === '') return certificatePage(request, reply, fingerprint, { errors: { motif: 'Saisissez le motif de la révocation.' }, status: 400 });
    try {
      const result = await api.call<{ connexionsFermees: number }>('revokeCertificate', { params: { empreinte: fingerprint }, body: { agent: agentOf(request), motif } });
      return certificatePage(request, reply, fingerprint, { notice: `Certificat révoqué ; connexions fermées : ${result.connexionsFermees}.` });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return certificatePage(request, reply, fingerprint, { errors: refusalErrors(refusal.message, { motif: 'motif' }), values: { motif }, status: 409 });
    }
  });

  app.post<{ Params: { fingerprint: string } }>('/console/certificats/:fingerprint/renouvellement', async (request, reply) => {
    const fingerprint = request.params.fingerprint;
    if (!FINGERPRINT.test(fingerprint)) return sendConsolePage(request, reply, 'message', { title: 'Certificat introuvable', status: 404, message: 'Empreinte invalide.' });
    const mode = formText(request, 'mode', 10) === 'pkcs12' ? 'pkcs12' : 'csr';
    const csr = pemOf(request, 'csrFichier', 'csr');
    if (mode === 'csr' && !csr.includes('-----BEGIN CERTIFICATE REQUEST-----')) {
      return certificatePage(request, reply, fingerprint, { errors: { renouvellementCsr: 'Déposez la nouvelle demande (CSR PKCS#10, PEM) de l’opérateur.' }, values: { mode }, status: 400 });
    }
    try {
      const issued = await api.call<IssuedJson>('renewCertificate', { params: { empreinte: fingerprint },
        body: { agent: agentOf(request), ...(mode === 'pkcs12' ? { pkcs12: true } : { csr }) },
      });
      return sendIssued(request, reply, 'Certificat renouvelé', issued);
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return certificatePage(request, reply, fingerprint, { errors: { renouvellementCsr: refusal.message }, values: { mode }, status: 409 });
    }
  });

  app.post<{ Params: { fingerprint: string } }>('/console/certificats/:fingerprint/profil', async (request, reply) => {
    const fingerprint = request.params.fingerprint;
    if (!FINGERPRINT.test(fingerprint)) return sendConsolePage(request, reply, 'message', { title: 'Certificat introuvable', status: 404, message: 'Empreinte invalide.' });
    const profil = formText(request, 'profil', 64);
    if (!/^[A-Z0-9_]{1,64}$/.test(profil)) return certificatePage(request, reply, fingerprint, { errors: { profil: 'Choisissez le profil.' }, status: 400 });
    try {
      await api.call('bindCertificateProfile', { params: { empreinte: fingerprint }, body: { agent: agentOf(request), profil } });
      return certificatePage(request, reply, fingerprint, { notice: `Profil ${profil} attaché au certificat.` });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return certificatePage(request, reply, fingerprint, { errors: refusalErrors(refusal.message, { profil: 'profil' }), status: 409 });
    }
  });

  // ------------------------------------------------------------ recognised CAs
  async function authoritiesPage(request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldErrors; status?: number; notice?: string | null } = {}) {
    const list = await api.call<{ autorites: { empreinte: string; sujet: string; finValidite: string; source: string; fournisseur: string | null; ajouteeLe: string | null; ajouteePar: string | null }[] }>('listAuthorities');
    return sendConsolePage(request, reply, 'autorites', { title: 'Autorités de certification reconnues', current: '/console/autorites', authorities: list.autorites, when, ...extra });
  }
  app.get('/console/autorites', async (request, reply) => authoritiesPage(request, reply));
  app.post('/console/autorites', async (request, reply) => {
    const pem = pemOf(request, 'pemFichier', 'pem');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) return authoritiesPage(request, reply, { errors: { pem: 'Déposez le certificat (PEM) de l’autorité.' }, status: 400 });
    try {
      await api.call('addAuthority', { body: { agent: agentOf(request), pem } });
      return authoritiesPage(request, reply, { notice: 'Autorité ajoutée.' });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return authoritiesPage(request, reply, { errors: refusalErrors(refusal.message, { pem: 'pem' }), status: 400 });
    }
  });
  app.post<{ Params: { fingerprint: string } }>('/console/autorites/:fingerprint/retrait', async (request, reply) => {
    try {
      await api.call('withdrawAuthority', { params: { empreinte: request.params.fingerprint }, body: { agent: agentOf(request) } });
      return authoritiesPage(request, reply, { notice: 'Autorité retirée.' });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return authoritiesPage(request, reply, { errors: { _general: refusal.message }, status: 409 });
    }
  });
};

