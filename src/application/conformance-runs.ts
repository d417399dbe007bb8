// Recording conformance runs ("jeu de test e-SAV", spec §3, docs/conformance.md) on the gateway's
// own evidence, never on the kit's word alone:
//
// - ServedOperationsLog keeps, on the integration platform, a log of the SOAP calls answered to
//   each operator and certificate (operation, outcome). It is fed after the response is sent
//   (app.ts onResponse) and written in batches: it never delays nor fails a request.
// - ConformanceRunService: the kit opens a campaign with its client certificate before its first
//   call (the gateway notes the time), runs its scenarios, then submits its results and reports.
//   A domain is recorded as passed only if the kit says so AND the gateway finds, between the
//   opening and the submission, every call of that domain's suite (src/domain/conformance.ts)
//   served to that operator and that certificate with the expected outcome. The run is then
//   recorded with ConformanceRunRepository.record (what promotion to production checks),
//   the reports kept as submitted.
import type { Logger } from 'pino';
import {
  CONFORMANCE_DOMAINS,
  describeEvidence,
  evidenceKey,
  missingEvidence,
  serviceOfPath,
  type ConformanceDomain,
} from '../domain/conformance.js';
import type { OperatorIdentity, Platform } from '../domain/identity.js';
import type {
  ConformanceCampaignRepository,
  ConformanceRunRepository,
  RecordedRun,
  ServedCount,
  ServedOperation,
  ServedOperationsRepository,
} from './conformance-ports.js';
import { UseCaseError } from './errors.js';

// ---------------------------------------------------------------- served operations log

export interface ServedOperationsLogOptions {
  /** How often pending rows are written (default 250 ms). */
  flushIntervalMs?: number;
  /** Rows per INSERT at most (default 500). */
  maxBatch?: number;
  /** Rows kept in memory at most while the database is slow or away; beyond, rows are dropped (default 20 000). */
  maxPending?: number;
}

export class ServedOperationsLog {
  private pending: ServedOperation[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dropped = 0;
  private stopped = false;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxPending: number;

  constructor(
    private readonly repository: Pick<ServedOperationsRepository, 'insert'>,
    private readonly logger: Logger,
    options: ServedOperationsLogOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
    this.maxBatch = options.maxBatch ?? 500;
    this.maxPending = options.maxPending ?? 20_000;
  }

  /** Notes one served call (synchronous, never throws); written within flushIntervalMs. */
  readonly record = (served: ServedOperation): void => {
    if (this.stopped) return;
    if (this.pending.length >= this.maxPending) {
      this.dropped += 1;
      return;
    }
    this.pending.push(served);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.flushIntervalMs);
      this.timer.unref();
    }
  };

  /** Writes what is pending now (after any write in progress); failures are logged, not thrown. */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          await this.repository.insert(batch);
        } catch (error) {
          this.logger.warn({ err: error, rows: batch.length }, 'served operations log: batch not written');
        }
      }
      if (this.dropped > 0) {
        this.logger.warn({ rows: this.dropped }, 'served operations log: rows dropped (backlog full)');
        this.dropped = 0;
      }
    });
    return this.writing;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

// ---------------------------------------------------------------- campaigns and runs

export interface ScenarioResult {
  scenario: string;
  domaine: ConformanceDomain;
  statut: string;
  message?: string;
}

/** What the kit submits when it has run its scenarios. */
export interface CampaignSubmission {
  /** The domains whose every scenario passed, in the kit's judgement. */
  domainesReussis: ConformanceDomain[];
  resultats: ScenarioResult[];
  rapportJunit: string;
  rapportHtml: string;
}

export interface DomainVerdict {
  domaine: ConformanceDomain;
  valide: boolean;
  raison?: string;
  /** The calls the gateway did not find (describeEvidence). */
  manquants?: string[];
}

export interface CampaignOutcome {
  idCampagne: number;
  idExecution: number;
  reussie: boolean;
  domaines: ConformanceDomain[];
  domainesValides: ConformanceDomain[];
  verdicts: DomainVerdict[];
}

/** What is kept with the campaign: the verdicts and the calls the gateway counted. */
export interface CampaignEvidence {
  verdicts: DomainVerdict[];
  servis: Array<{ service: string; operation: string | null; resultat: string; nombre: number }>;
}

export interface ConformanceRunServiceDeps {
  runs: ConformanceRunRepository;
  campaigns: ConformanceCampaignRepository;
  served: ServedOperationsRepository;
  platform: Platform;
  /** The log of served calls (integration platform); its pending rows are written before judging. */
  servedLog?: ServedOperationsLog;
  /** Real time: the campaign window and the log use the system clock, not the business clock. */
  now?: () => Date;
  /** A campaign older than this cannot be submitted (default 2 hours). */
  maxCampaignMs?: number;
  /** Served rows older than this are purged when a campaign opens (default 30 days). */
  retentionMs?: number;
  /** When calls are missing, how long to wait once for other gateway processes' logs (default 1 s). */
  settleMs?: number;
}

const HOUR = 3600_000;

export class ConformanceRunService {
  private readonly runs: ConformanceRunRepository;
  private readonly campaigns: ConformanceCampaignRepository;
  private readonly served: ServedOperationsRepository;
  private readonly now: () => Date;

  constructor(private readonly deps: ConformanceRunServiceDeps) {
    this.runs = deps.runs;
    this.campaigns = deps.campaigns;
    this.served = deps.served;
    this.now = deps.now ?? (() => new Date());
  }

  /** Opens a campaign for the certificate's operator (integration platform only). */
  async open(identity: OperatorIdentity, codeOperateur: string, domains: ConformanceDomain[]) {
    if (this.deps.platform !== 'integration') {
      throw new UseCaseError('refused', 'les campagnes de conformité se passent sur la plateforme d’intégration, pas en production');
    }
    if (codeOperateur !== identity.operatorCode) {
      throw new UseCaseError('forbidden', `codeOperateur ${codeOperateur} ne correspond pas au certificat client (opérateur ${identity.operatorCode})`);
    }
    if (domains.length === 0) throw new UseCaseError('invalid', 'au moins un domaine attendu');
    const at = this.now();
    await this.served.purge(new Date(at.getTime() - (this.deps.retentionMs ?? 30 * 24 * HOUR)));
    const unique = CONFORMANCE_DOMAINS.filter((d) => domains.includes(d));
    const campaign = await this.campaigns.open(identity.operatorCode, identity.certificateFingerprint, unique, at);
    return { idCampagne: campaign.id, ouverture: campaign.openedAt.toISOString(), domaines: campaign.domains };
  }

  /** Closes the campaign with the kit's results, judges each domain on the gateway's evidence, records the run. */
  async submit(identity: OperatorIdentity, id: number, submission: CampaignSubmission): Promise<CampaignOutcome> {
    const existing = await this.campaigns.find(identity.operatorCode, id);
    if (!existing) throw new UseCaseError('not-found', `campagne ${id} inconnue pour l’opérateur ${identity.operatorCode}`);
    if (existing.certificateFingerprint !== identity.certificateFingerprint) {
      throw new UseCaseError('forbidden', `campagne ${id} ouverte avec un autre certificat client`);
    }
    const closedAt = this.now();
    const campaign = await this.campaigns.claimForClosing(identity.operatorCode, id, closedAt);
    if (!campaign) throw new UseCaseError('refused', `campagne ${id} déjà close`);
    const maxMs = this.deps.maxCampaignMs ?? 2 * HOUR;
    if (closedAt.getTime() - campaign.openedAt.getTime() > maxMs) {
      throw new UseCaseError('refused', `campagne ${id} expirée (ouverte depuis plus de ${Math.round(maxMs / 60_000)} minutes) : relancer le jeu de test`);
    }

    // The calls answered just before the submission may still be in memory.
    await this.deps.servedLog?.flush();
    let counts = await this.served.counts(campaign.operatorCode, campaign.certificateFingerprint, campaign.openedAt, closedAt);
    let verdicts = this.judge(campaign.domains, submission, counts);
    if (verdicts.some((v) => v.manquants && v.manquants.length > 0)) {
      // Other gateway processes write their log within their flush interval: look once more.
      await new Promise((resolve) => setTimeout(resolve, this.deps.settleMs ?? 1000));
      await this.deps.servedLog?.flush();
      counts = await this.served.counts(campaign.operatorCode, campaign.certificateFingerprint, campaign.openedAt, closedAt);
      verdicts = this.judge(campaign.domains, submission, counts);
    }

    const passedDomains = verdicts.filter((v) => v.valide).map((v) => v.domaine);
    const run = await this.runs.record({
      operatorCode: campaign.operatorCode,
      platform: 'integration',
      domains: campaign.domains,
      passedDomains,
      passed: passedDomains.length === campaign.domains.length,
      startedAt: campaign.openedAt,
      finishedAt: closedAt,
      certificateFingerprint: campaign.certificateFingerprint,
      reportJunit: submission.rapportJunit,
      reportHtml: submission.rapportHtml,
    });
    const evidence: CampaignEvidence = {
      verdicts,
      servis: counts.map((c) => ({ service: c.path, operation: c.operation, resultat: c.outcome, nombre: c.count })),
    };
    await this.campaigns.attach(campaign.id, run.id, evidence);
    return {
      idCampagne: campaign.id,
      idExecution: run.id,
      reussie: run.passed,
      domaines: campaign.domains,
      domainesValides: passedDomains,
      verdicts,
    };
  }

  private judge(domains: ConformanceDomain[], submission: CampaignSubmission, counts: ServedCount[]): DomainVerdict[] {
    const seen = new Set<string>();
    for (const c of counts) {
      const service = serviceOfPath(c.path);
      if (service && c.operation) seen.add(evidenceKey({ service, operation: c.operation, outcome: c.outcome }));
    }
    return domains.map((domaine): DomainVerdict => {
      if (!submission.domainesReussis.includes(domaine)) {
        return { domaine, valide: false, raison: 'le jeu de test a constaté un échec ou un scénario non exécuté dans ce domaine' };
      }
      const missing = missingEvidence(domaine, seen);
      if (missing.length > 0) {
        const manquants = missing.map(describeEvidence);
        return { domaine, valide: false, raison: `appels non constatés par la passerelle pendant la campagne : ${manquants.join(', ')}`, manquants };
      }
      return { domaine, valide: true };
    });
  }

  // ---- support staff (admin API)

  /** The operator's recorded runs, most recent first. */
  list(operatorCode: string, limit = 20): Promise<RecordedRun[]> {
    return this.runs.list(operatorCode, limit);
  }

  /** Domains covered by a passing run on the integration platform (what promotion checks). */
  passedDomains(operatorCode: string): Promise<Set<ConformanceDomain>> {
    return this.runs.passedDomains(operatorCode);
  }

  /** One recorded run with the gateway's evidence (when it was recorded through a campaign). */
  async run(runId: number): Promise<{ run: RecordedRun; evidence: CampaignEvidence | null; idCampagne: number | null } | undefined> {
    const found = await this.runs.find(runId);
    if (!found) return undefined;
    const campaign = await this.campaigns.findByRun(runId);
    return { run: found, evidence: (campaign?.evidence as CampaignEvidence | null | undefined) ?? null, idCampagne: campaign?.id ?? null };
  }
}
