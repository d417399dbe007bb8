// Child process: the peer baseline. node-soap's own server (soap.listen) on an HTTPS server with
// the gateway's mutual-TLS options and admission, the same WSDL (its XSD imports resolved from
// the file's location), and a deposerSignalisation handler that resolves the caller from the
// client certificate exactly as the gateway does (IdentityResolver, cached per connection), checks
// the header's codeOperateur and the profile, then calls the same SignalisationService.deposit on
// the same PostgreSQL database. What node-soap does not do and the gateway does: the byte guard,
// XSD validation of header and payload, the SOAPAction check and the per-request log line.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import soap from 'soap';
import { loadConfig } from '../src/composition/config/config.js';
import { systemClock } from '../src/domain/clock.js';
import { formatParisDateTime } from '../src/domain/paris-calendar.js';
import { EsavFault } from '../src/domain/faults.js';
import { frenchPublicHolidays } from '../src/domain/holidays.js';
import { authorizeOperation } from '../src/domain/identity.js';
import type { Impact } from '../src/domain/signalisation.js';
import { CATALOG_DIR, WSDL_DIR } from '../src/adapters/paths.js';
import { ensureDevPki } from '../src/adapters/pki/dev-pki.js';
import { TrustStore } from '../src/adapters/pki/trust-store.js';
import { createLogger } from '../src/adapters/logging/logger.js';
import { IdentityResolver, enforceTlsAdmission } from '../src/adapters/operators-front/tls-identity.js';
import { SignalisationService, type DepositRequest } from '../src/application/signalisation.js';
import { loadCatalogue } from '../src/adapters/catalogue/catalogue-files.js';
import { postgresDatabase } from '../src/adapters/postgres/db.js';
import { DEMO_OPERATOR_CODES } from '../src/composition/demo-data.js';
import { SqlOperatorRepository } from '../src/adapters/postgres/operators.js';
import { SqlPrestationRepository } from '../src/adapters/postgres/prestations.js';
import { SqlSignalisationRepository } from '../src/adapters/postgres/signalisations.js';
import { serveFromChild } from './lib/server-process.js';

type Args = Record<string, any>;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const opt = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

/** node-soap's parsed arguments → the use case's input (what src/adapters/contracts/esav-v1 does for the gateway). */
function depositRequestOf(a: Args): DepositRequest {
  const dateDebutDefaut = a.dateDebutDefaut === undefined ? undefined : new Date(a.dateDebutDefaut);
  const champ = a.champs?.champ;
  const champs = (champ === undefined ? [] : Array.isArray(champ) ? champ : [champ]).map((c: Args) => ({ code: str(c.code), valeur: str(c.valeur) }));
  return {
    canal: 'WS',
    offre: str(a.offre),
    identifiantPrestation: str(a.identifiantPrestation),
    formulaire: { idFormulaire: str(a.formulaire?.idFormulaire), version: Number(a.formulaire?.version) },
    defautDeclare: str(a.defautDeclare),
    impact: str(a.impact) as Impact,
    ...(dateDebutDefaut ? { dateDebutDefaut } : {}),
    ...(a.localisationPresumee !== undefined ? { localisationPresumee: str(a.localisationPresumee) } : {}),
    referenceInterneOC: str(a.referenceInterneOC),
    contactSite: { nom: str(a.contactSite?.nom), telephone: str(a.contactSite?.telephone) },
    contactOC: {
      nom: str(a.contactOC?.nom),
      telephone: str(a.contactOC?.telephone),
      ...(a.contactOC?.email !== undefined ? { email: str(a.contactOC.email) } : {}),
    },
    ...(a.accesSite ? { accesSite: { horaires: str(a.accesSite.horaires), informations: str(a.accesSite.informations) } } : {}),
    ...(a.commentaire !== undefined ? { commentaire: str(a.commentaire) } : {}),
    champs,
    ...(a.idDemandeTest !== undefined ? { idDemandeTest: str(a.idDemandeTest) } : {}),
  };
}

function soapFault(fault: EsavFault) {
  return {
    Fault: {
      faultcode: fault.code >= 500 ? 'soapenv:Server' : 'soapenv:Client',
      faultstring: fault.libelle,
      detail: { erreurESAV: { code: fault.code, libelle: fault.libelle } },
      statusCode: 500,
    },
  };
}

serveFromChild(async () => {
  const config = loadConfig(process.env);
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const logger = createLogger(config.logLevel);
  const pki = ensureDevPki({ dir: config.devCertsDir, operatorCodes: DEMO_OPERATOR_CODES, now: systemClock.now() });
  const operator = pki.operators.OPA1!;
  const db = postgresDatabase(config.databaseUrl, { max: config.databasePoolSize });
  const catalogue = loadCatalogue(CATALOG_DIR);
  const service = new SignalisationService({
    catalogue,
    clock: systemClock,
    calendar: frenchPublicHolidays(),
    prestations: new SqlPrestationRepository(db),
    signalisations: new SqlSignalisationRepository(db),
  });
  const operators = new SqlOperatorRepository(db);
  const identities = new IdentityResolver((fingerprint) => operators.findIdentity(fingerprint));

  const server = https.createServer({
    key: pki.server.keyPem,
    cert: pki.server.certPem,
    ca: [pki.ca.certPem],
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  });
  const trust = new TrustStore([pki.ca.certPem]);
  enforceTlsAdmission(server, () => trust, logger);

  const services = {
    SignalisationService: {
      SignalisationPort: {
        async deposerSignalisation(args: Args, _callback: unknown, headers: Args | undefined, req: { socket: TLSSocket }) {
          try {
            const now = systemClock.now();
            const identity = await identities.resolve(req.socket, now);
            const codeOperateur = str(headers?.enteteRequete?.codeOperateur);
            if (codeOperateur !== identity.operatorCode) throw new EsavFault(201, undefined, { champ: 'enteteRequete/codeOperateur' });
            authorizeOperation(identity, 'deposerSignalisation', config.platform, 'signalisation');
            const a = await service.deposit({ operatorCode: identity.operatorCode }, depositRequestOf(args));
            return {
              referenceSignalisation: a.referenceSignalisation,
              etat: a.etat,
              dateHeurePriseEnCompte: formatParisDateTime(a.dateHeurePriseEnCompte),
              garantie: {
                code: a.garantie.code,
                ...(a.garantie.echeanceRetablissement ? { echeanceRetablissement: formatParisDateTime(a.garantie.echeanceRetablissement) } : {}),
              },
            };
          } catch (error) {
            if (error instanceof EsavFault) throw soapFault(error);
            logger.error({ err: error }, 'operation failed');
            throw soapFault(new EsavFault(500));
          }
        },
      },
    },
  };

  const wsdlFile = path.join(WSDL_DIR, 'v1', 'signalisation-v1.wsdl');
  const soapServer = await new Promise<soap.Server>((resolve, reject) => {
    const s = soap.listen(server, {
      path: '/ws/v1/signalisation',
      services,
      xml: fs.readFileSync(wsdlFile, 'utf8'),
      uri: wsdlFile,
      callback: (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(s)),
    });
  });
  // The same response header the gateway writes (enteteReponse, idCorrelation echoed).
  soapServer.addSoapHeader((_method: string, _args: Args, headers: Args | undefined) => {
    const correlation = opt(headers?.enteteRequete?.idCorrelation);
    return (
      '<com:enteteReponse xmlns:com="urn:esav:commun:v1"><com:versionWS>1</com:versionWS>' +
      `<com:horodatageReponse>${formatParisDateTime(systemClock.now())}</com:horodatageReponse>` +
      (correlation ? `<com:idCorrelation>${correlation}</com:idCorrelation>` : '') +
      `<com:idRequete>${randomUUID()}</com:idRequete></com:enteteReponse>`
    );
  });
  server.keepAliveTimeout = 72_000; // Fastify's default, as on the gateway
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    tls: { key: operator.keyPem, cert: operator.certPem, ca: pki.ca.certPem },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
});
