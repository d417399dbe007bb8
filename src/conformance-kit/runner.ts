// The conformance kit's run: opens a campaign on the gateway (with the client certificate), runs
// the scenario suite of each domain asked for — in order, each scenario after those it needs —
// printing one progress line per scenario, then submits the results and reports for recording,
// writes junit.xml and rapport.html, prints the summary and gives the exit code.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type soap from 'soap';
import { DOMAIN_EVIDENCE, type ConformanceDomain, type ServiceName } from '../domain/conformance.js';
import { CampaignClient, CampaignRefused } from './campaign.js';
import { closeSecurity, createServiceClient, describeError, faultOf, loadTls, SERVICES, type HeaderValues, type KitTls, type ServiceClient } from './client.js';
import { checkOptions, KIT_DOMAINS, UsageError, type KitOptions } from './options.js';
import { htmlReport, junitXml, passedDomains, progressLine, summaryText, verdictOf, type KitReport, type RecordingInfo, type Verdict } from './reports.js';
import {
  Failure,
  Unavailable,
  UnexpectedFault,
  type CallOptions,
  type CallRecord,
  type Scenario,
  type ScenarioContext,
  type ScenarioResult,
  type SharedState,
  type Ticket,
} from './scenario.js';
import { interopScenarios } from './scenarios/interop.js';
import { rendezVousScenarios } from './scenarios/rendezvous.js';
import { depositTicket, signalisationScenarios } from './scenarios/signalisation.js';
import { testScenarios } from './scenarios/test.js';

/** 0 passed · 1 a scenario failed, or the gateway refused to validate a domain the kit passed · 2 usage · 3 could not run · 4 incomplete (night, maintenance). */
export const EXIT = { PASSED: 0, FAILED: 1, USAGE: 2, TECHNICAL: 3, INCOMPLETE: 4 } as const;

const VERDICT_EXIT: Record<Verdict, number> = { reussi: EXIT.PASSED, echec: EXIT.FAILED, incomplet: EXIT.INCOMPLETE };

/** The services a domain calls. */
export const DOMAIN_SERVICES: Record<ConformanceDomain, ServiceName[]> = {
  signalisation: ['signalisation'],
  test: ['test'],
  rendezvous: ['signalisation'],
  interop: ['planChargeSavFtth', 'infoTravauxFTTH'],
};

/** First scenario of each domain: the served WSDLs load and describe the operations the suite calls. */
function wsdlScenario(domain: ConformanceDomain): Scenario {
  const services = DOMAIN_SERVICES[domain];
  return {
    id: `${domain}.wsdl`,
    domain,
    title: `WSDL servi(s) : ${services.map((s) => SERVICES[s].label).join(', ')}`,
    calls: [],
    async run(ctx) {
      const described: string[] = [];
      for (const service of services) {
        const client = await ctx.client(service);
        const operations = client.operations();
        const expected = [...new Set(DOMAIN_EVIDENCE[domain].filter((e) => e.service === service).map((e) => e.operation))];
        const missing = expected.filter((op) => !operations.includes(op));
        if (missing.length > 0) throw new Failure(`WSDL de ${SERVICES[service].label} sans les opérations ${missing.join(', ')}`);
        described.push(`${SERVICES[service].label} (${operations.length} opérations)`);
      }
      return described.join(', ');
    },
  };
}

/** Every scenario of the kit, per domain, in running order. */
export const SCENARIOS: Readonly<Record<ConformanceDomain, readonly Scenario[]>> = {
  signalisation: [wsdlScenario('signalisation'), ...signalisationScenarios],
  test: [wsdlScenario('test'), ...testScenarios],
  rendezvous: [wsdlScenario('rendezvous'), ...rendezVousScenarios],
  interop: [wsdlScenario('interop'), ...interopScenarios],
};

export interface KitIo {
  /** Progress lines and the summary (stdout). */
  out(line: string): void;
  /** Errors that stop the run (stderr). */
  err(line: string): void;
}

export interface KitRun {
  exitCode: number;
  verdict?: Verdict;
  report?: KitReport;
  files?: { junit: string; html: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function makeRunTag(at: Date): string {
  return `${at.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

/** Runs the kit; resolves to the exit code (and the report when it ran). Never throws. */
export async function runConformance(options: KitOptions, io: KitIo): Promise<KitRun> {
  let kitTls: KitTls;
  try {
    checkOptions(options);
    kitTls = loadTls(options.tls);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return { exitCode: EXIT.USAGE };
    }
    throw error;
  }
  const base = options.url.replace(/\/+$/, '');
  const domains = KIT_DOMAINS.filter((d) => options.domains.includes(d));
  const startedAt = new Date();
  const runTag = makeRunTag(startedAt);
  const agent = new https.Agent(kitTls.agentOptions);
  const securities: soap.ISecurity[] = [];
  try {
    io.out(`Jeu de test e-SAV — opérateur ${options.operatorCode} sur ${base} — domaines : ${domains.join(', ')}`);
    const campaigns = new CampaignClient(base, agent, options.callTimeoutMs);
    let recording: RecordingInfo = { state: 'desactive' };
    if (options.record) {
      try {
        const opened = await campaigns.open(options.operatorCode, domains);
        recording = { state: 'en-cours', idCampagne: opened.idCampagne };
        io.out(`Campagne ${opened.idCampagne} ouverte sur la passerelle (certificat ${campaigns.certificate?.fingerprint256.slice(0, 16) ?? '?'}…)`);
      } catch (error) {
        if (error instanceof CampaignRefused) {
          io.err(`la passerelle refuse d’ouvrir la campagne de conformité : ${error.message}${error.status === 409 ? '' : ''}`);
          io.err('(relancer avec --sans-enregistrement pour exécuter les scénarios sans enregistrement)');
        } else {
          io.err(`passerelle injoignable (${base}) : ${describeError(error)}`);
        }
        return { exitCode: EXIT.TECHNICAL };
      }
    }
    const campaignId = recording.state === 'en-cours' ? recording.idCampagne : undefined;

    // ---- clients, built from the served WSDLs on first use
    let correlation = 'conformite';
    const headerValues = (): HeaderValues => ({ codeOperateur: options.operatorCode, sirenOC: options.sirenOC, sirenOI: options.sirenOI, idCorrelation: correlation });
    const clients = new Map<ServiceName, Promise<ServiceClient>>();
    const client = (service: ServiceName): Promise<ServiceClient> => {
      let found = clients.get(service);
      if (!found) {
        const security = kitTls.security();
        securities.push(security);
        found = createServiceClient(base, service, security, agent, headerValues).catch((error: unknown) => {
          throw new Failure(`WSDL de ${SERVICES[service].label} non chargé (${base}${SERVICES[service].path}?wsdl) : ${describeError(error)}`);
        });
        clients.set(service, found);
      }
      return found;
    };

    // ---- the gateway's clock, from its response headers
    let serverClock: { server: number; local: number } | undefined;
    const noteServerTime = (header: any) => {
      const value = header?.enteteReponse?.horodatageReponse ?? header?.EnteteType?.horodatageReponse;
      const at = value instanceof Date ? value : value ? new Date(String(value)) : undefined;
      if (at && !Number.isNaN(at.getTime())) serverClock = { server: at.getTime(), local: Date.now() };
    };
    const serverNow = () => new Date(serverClock ? serverClock.server + (Date.now() - serverClock.local) : Date.now());

    const shared: SharedState = {};
    const results: ScenarioResult[] = [];
    for (const domain of domains) {
      for (const scenario of SCENARIOS[domain]) {
        const needs = [...(scenario.id.endsWith('.wsdl') ? [] : [`${domain}.wsdl`]), ...(scenario.needs ?? [])];
        const blocking = needs.map((id) => results.find((r) => r.id === id)).find((r) => r && r.status !== 'reussi');
        let result: ScenarioResult;
        if (blocking) {
          result = {
            id: scenario.id,
            domain,
            title: scenario.title,
            status: blocking.status === 'indisponible' ? 'indisponible' : 'non-execute',
            message: `${blocking.status === 'indisponible' ? 'indisponible' : 'non exécuté'} : dépend de ${blocking.id} (${blocking.status === 'indisponible' ? 'indisponible' : 'non réussi'})`,
            details: [],
            calls: [],
            durationMs: 0,
          };
        } else {
          correlation = `conformite.${campaignId ?? 'local'}.${scenario.id}`.slice(0, 64);
          result = await runScenario(scenario, {
            options,
            shared,
            runTag,
            client,
            serverNow,
            noteServerTime,
          });
        }
        results.push(result);
        io.out(progressLine(result));
      }
    }

    const report: KitReport = {
      operatorCode: options.operatorCode,
      url: base,
      domains,
      startedAt,
      finishedAt: new Date(),
      certificate: campaigns.certificate,
      data: dataUsed(options, shared, domains),
      results,
      recording,
    };
    if (campaignId !== undefined) {
      try {
        const outcome = await campaigns.submit(campaignId, {
          domainesReussis: passedDomains(report),
          resultats: results.map((r) => ({ scenario: r.id, domaine: r.domain, statut: r.status, message: r.message.slice(0, 2000) })),
          rapportJunit: junitXml(report),
          rapportHtml: htmlReport(report),
        });
        report.recording = { state: 'enregistre', outcome };
      } catch (error) {
        report.recording = { state: 'refuse', message: error instanceof CampaignRefused ? error.message : `passerelle injoignable : ${describeError(error)}` };
      }
    }

    fs.mkdirSync(options.reportsDir, { recursive: true });
    const files = { junit: path.join(options.reportsDir, 'junit.xml'), html: path.join(options.reportsDir, 'rapport.html') };
    fs.writeFileSync(files.junit, junitXml(report));
    fs.writeFileSync(files.html, htmlReport(report));
    const verdict = verdictOf(report);
    io.out(summaryText(report, files));
    return { exitCode: VERDICT_EXIT[verdict], verdict, report, files };
  } finally {
    for (const security of securities) closeSecurity(security);
    agent.destroy();
  }
}

interface RunnerHooks {
  options: KitOptions;
  shared: SharedState;
  runTag: string;
  client(service: ServiceName): Promise<ServiceClient>;
  serverNow(): Date;
  noteServerTime(header: unknown): void;
}

async function runScenario(scenario: Scenario, hooks: RunnerHooks): Promise<ScenarioResult> {
  const { options } = hooks;
  const calls: CallRecord[] = [];
  const details: string[] = [];
  const started = performance.now();

  const call = async (service: ServiceName, operation: string, args: Record<string, unknown>, callOptions: CallOptions = {}): Promise<any> => {
    const sc = await hooks.client(service);
    const method = (sc.client as unknown as Record<string, unknown>)[`${operation}Async`];
    if (typeof method !== 'function') throw new Failure(`opération ${operation} absente du WSDL servi de ${SERVICES[service].label}`);
    for (let attempt = 1; ; attempt += 1) {
      sc.override = { ...(callOptions.header ?? {}) };
      const t0 = performance.now();
      try {
        const [result, , header] = (await (method as (a: unknown, o: unknown) => Promise<unknown[]>).call(sc.client, args, { timeout: options.callTimeoutMs })) as [
          any,
          unknown,
          any,
        ];
        hooks.noteServerTime(header);
        const idRequete = header?.enteteReponse?.idRequete ?? (sc.client.lastResponseHeaders as Record<string, string> | undefined)?.['x-id-requete'];
        calls.push({ service, operation, outcome: 'ok', durationMs: performance.now() - t0, ...(idRequete ? { idRequete: String(idRequete) } : {}) });
        return result;
      } catch (error) {
        const durationMs = performance.now() - t0;
        const fault = faultOf(error);
        const idRequete = (error as { response?: { headers?: Record<string, string> } }).response?.headers?.['x-id-requete'];
        if (!fault) {
          calls.push({ service, operation, outcome: 'erreur', durationMs, detail: describeError(error) });
          throw new Failure(`${operation} : pas de réponse SOAP exploitable — ${describeError(error)}`);
        }
        calls.push({ service, operation, outcome: `fault:${fault.code}`, durationMs, detail: fault.libelle, ...(idRequete ? { idRequete } : {}) });
        if (fault.code === 401 && attempt <= 2) {
          // Rate limit: wait as told (bounded) and try again.
          const wait = Math.min(Math.max(fault.reessayerApres ?? 1, 1), 60);
          details.push(`${operation} : limite de débit (401), nouvel essai dans ${wait} s`);
          await sleep(wait * 1000);
          continue;
        }
        if (fault.code === 321) {
          const retry = fault.reessayerApres ? `, réessayer dans ${Math.ceil(fault.reessayerApres / 60)} min` : '';
          throw new Unavailable(
            `indisponible de nuit : la recherche de créneaux est fermée de 01:00 à 04:00 (heure de Paris)${retry} — pas un défaut de l’intégration (faute 321 sur ${operation})`,
          );
        }
        if (fault.code === 402) throw new Unavailable(`service en maintenance (faute 402 sur ${operation}) : ${fault.libelle}`);
        throw new UnexpectedFault(operation, fault);
      } finally {
        sc.override = {};
      }
    }
  };

  const ctx: ScenarioContext = {
    options,
    shared: hooks.shared,
    runTag: hooks.runTag,
    client: hooks.client,
    serverNow: hooks.serverNow,
    call,
    async expectFault(service, operation, args, code, callOptions) {
      try {
        await call(service, operation, args, callOptions);
      } catch (error) {
        if (error instanceof UnexpectedFault) {
          if (error.fault.code === code) return error.fault;
          throw new Failure(`${operation} : faute ${code} attendue, faute ${error.fault.code} reçue — ${error.fault.libelle}`);
        }
        throw error;
      }
      throw new Failure(`${operation} : faute ${code} attendue, la requête a été acceptée`);
    },
    note: (text) => details.push(text),
    async ticket(): Promise<Ticket> {
      if (options.referenceSignalisation) return { referenceSignalisation: options.referenceSignalisation };
      if (hooks.shared.ticket) return hooks.shared.ticket;
      if (hooks.shared.ticketError) throw new Failure(`aucune signalisation pour ce scénario : ${hooks.shared.ticketError}`);
      try {
        return await depositTicket(ctx, false);
      } catch (error) {
        if (error instanceof Unavailable) throw error;
        hooks.shared.ticketError = `le dépôt a échoué : ${(error as Error).message}`;
        throw new Failure(`dépôt de la signalisation nécessaire impossible — ${(error as Error).message}`);
      }
    },
  };

  const base = { id: scenario.id, domain: scenario.domain, title: scenario.title, details, calls };
  try {
    const message = await scenario.run(ctx);
    return { ...base, status: 'reussi', message, durationMs: performance.now() - started };
  } catch (error) {
    const durationMs = performance.now() - started;
    if (error instanceof Unavailable) return { ...base, status: 'indisponible', message: error.message, durationMs };
    if (error instanceof Failure) return { ...base, status: 'echec', message: error.message, durationMs };
    return { ...base, status: 'echec', message: `erreur inattendue du jeu de test : ${error instanceof Error ? error.message : String(error)}`, durationMs };
  }
}

function dataUsed(o: KitOptions, shared: SharedState, domains: ConformanceDomain[]): Array<[string, string]> {
  const data: Array<[string, string]> = [];
  if (domains.includes('signalisation') || domains.includes('rendezvous')) {
    data.push(['prestation (signalisation)', o.prestation]);
    if (shared.selection) {
      data.push(['offre', shared.selection.offre], ['formulaire', `${shared.selection.formulaire.idFormulaire} v${shared.selection.formulaire.version}`]);
      data.push(['défaut déclaré', shared.selection.defautDeclare]);
      if (shared.selection.champs.length > 0) data.push(['champs', shared.selection.champs.map((c) => `${c.code}=${c.valeur}`).join(', ')]);
    }
    const ticket = o.referenceSignalisation ?? shared.ticket?.referenceSignalisation;
    if (ticket) data.push(['signalisation', `${ticket}${shared.ticket?.referenceInterneOC ? ` (referenceInterneOC ${shared.ticket.referenceInterneOC})` : ''}`]);
  }
  if (domains.includes('test')) {
    data.push(['prestation (test)', o.prestationTest]);
    if (shared.test) data.push(['test', `${shared.test.typeTest}${shared.test.idDemandeTest ? ` (${shared.test.idDemandeTest})` : ''}`]);
  }
  if (domains.includes('rendezvous')) data.push(['type de rendez-vous', o.typeRendezVous]);
  if (domains.includes('interop')) {
    data.push(['SIREN opérateur / fournisseur', `${o.sirenOC} / ${o.sirenOI}`]);
    if (shared.interop) data.push(['commune (INSEE)', shared.interop.codeInsee]);
  }
  return data;
}
