// Prestations bulk import and administration (issue 14, decision 0017). An import reads the lines
// of one file as they arrive (the admin API's adapter parses the stream), checks each against the
// catalogue and the operators, stages the valid ones and records the refused ones in batches, all
// in one transaction; the prestations are written at the end by one set-based upsert.
//
// The rules (docs/operations.md, "Prestations: import"):
// - a refused line is reported (line, identifier, field, reason) and the others are imported;
// - the file is refused as a whole, and nothing is written, when it cannot be read (header,
//   encoding, syntax) or when more lines are refused than the threshold the caller gave;
// - a simulation does every check and reports what would be created, updated or left unchanged,
//   and writes nothing but its report;
// - upsert by identifier: a line identical to the stored prestation is counted unchanged.
import type { Catalogue } from '../domain/catalogue.js';
import type { Clock } from '../domain/clock.js';
import { isParisDay, type ParisDay } from '../domain/paris-calendar.js';
import {
  checkImportLine,
  ImportFileRefused,
  isRefused,
  type ImportFormat,
  type ImportedPrestation,
  type RawImportLine,
  type RefusedLine,
} from '../domain/prestation-import.js';
import { UseCaseError } from './errors.js';
import {
  ZERO_COUNTS,
  type ImportCounts,
  type ImportRecord,
  type ImportState,
  type PrestationImportRepository,
  type StoredPrestation,
} from './prestation-import-ports.js';

export interface PrestationImportDeps {
  catalogue: Catalogue;
  clock: Clock;
  repository: PrestationImportRepository;
  /** Lines per staged batch (default 2 000). */
  batchSize?: number;
  /** The progress is published every this many lines (default 10 000). */
  progressEvery?: number;
}

/** The file as its adapter reads it: its lines, and how many bytes were read so far. */
export interface ImportSource {
  lines: AsyncIterable<RawImportLine>;
  bytesRead(): number;
}

export interface ImportRequest {
  id: string;
  agent: string;
  format: ImportFormat;
  simulation: boolean;
  /** Above this many refused lines, the file is refused as a whole (nothing written). */
  maxRefused?: number;
}

export class PrestationImportService {
  private readonly batchSize: number;
  private readonly progressEvery: number;

  constructor(private readonly deps: PrestationImportDeps) {
    this.batchSize = deps.batchSize ?? 2_000;
    this.progressEvery = deps.progressEvery ?? 10_000;
  }

  /**
   * Reserves the import's id (its row, RUNNING) before the body is read, so that a client can
   * poll it at once. Refused if the id is taken.
   */
  async begin(request: ImportRequest): Promise<void> {
    const created = await this.deps.repository.start({
      id: request.id,
      simulation: request.simulation,
      format: request.format,
      agent: request.agent,
      maxRefused: request.maxRefused ?? null,
      at: this.deps.clock.now(),
    });
    if (!created) throw new UseCaseError('refused', `l’import ${request.id} existe déjà`);
  }

  /** Runs a begun import to its end; resolves to its final record (DONE, DRY_RUN, REFUSED). */
  async run(request: ImportRequest, source: ImportSource): Promise<ImportRecord> {
    const { repository, clock, catalogue } = this.deps;
    const counts: ImportCounts = { ...ZERO_COUNTS };
    const audit = (action: string, extra: Record<string, unknown> = {}) => ({
      actor: request.agent,
      action,
      details: { import: request.id, simulation: request.simulation, ...countsDetails(counts), ...extra },
    });
    try {
      // Read before the transaction: on PGlite (one session) nothing else may run inside it.
      const operators = await repository.operatorDirectory();
      const outcome = await repository.inTransaction(request.id, !request.simulation, async (session) => {
        let staged: ImportedPrestation[] = [];
        let refused: RefusedLine[] = [];
        let nextProgress = this.progressEvery;
        const flush = async () => {
          if (staged.length > 0) await session.stage(staged);
          if (refused.length > 0) await session.refuse(refused);
          staged = [];
          refused = [];
        };
        for await (const raw of source.lines) {
          counts.linesRead += 1;
          const checked = checkImportLine(raw, catalogue, operators);
          if (isRefused(checked)) {
            counts.refused += 1;
            refused.push(checked);
          } else staged.push(checked);
          if (staged.length + refused.length >= this.batchSize) await flush();
          if (counts.linesRead >= nextProgress) {
            nextProgress += this.progressEvery;
            await flush();
            counts.bytesRead = source.bytesRead();
            await session.progress(counts, clock.now());
          }
        }
        await flush();
        counts.bytesRead = source.bytesRead();
        counts.refused += await session.refuseConflicts();
        counts.accepted = counts.linesRead - counts.refused;
        if (request.maxRefused !== undefined && counts.refused > request.maxRefused) {
          // Nothing is applied; the refused lines stay readable to fix the file.
          const reason = `${counts.refused} ligne(s) refusée(s), au-delà du seuil de ${request.maxRefused} : fichier refusé, rien n’est importé`;
          counts.accepted = 0;
          await session.finish('REFUSED', counts, clock.now(), reason, audit('PRESTATIONS_IMPORT_REFUSE', { motif: reason }));
          return;
        }
        Object.assign(counts, await session.compare());
        if (!request.simulation) await session.apply();
        const state: ImportState = request.simulation ? 'DRY_RUN' : 'DONE';
        await session.finish(state, counts, clock.now(), null, audit(request.simulation ? 'PRESTATIONS_IMPORT_SIMULE' : 'PRESTATIONS_IMPORTEES'));
      });
      if (!outcome.ran) {
        const reason = 'un autre import de prestations est en cours : réessayer à sa fin';
        await repository.end(request.id, 'REFUSED', counts, clock.now(), reason, audit('PRESTATIONS_IMPORT_REFUSE', { motif: reason }));
      }
    } catch (error) {
      counts.bytesRead = source.bytesRead();
      const refusedFile = error instanceof ImportFileRefused;
      const reason = refusedFile ? error.message : 'erreur technique pendant l’import : rien n’est importé';
      // The transaction was rolled back: nothing of the file is kept but this reason.
      const kept = { ...counts, accepted: 0, refused: 0, created: 0, updated: 0, unchanged: 0 };
      await repository
        .end(request.id, refusedFile ? 'REFUSED' : 'FAILED', kept, clock.now(), reason, {
          actor: request.agent,
          action: 'PRESTATIONS_IMPORT_REFUSE',
          details: { import: request.id, simulation: request.simulation, motif: reason },
        })
        .catch(() => undefined);
      if (!refusedFile) throw error;
    }
    return (await repository.find(request.id))!;
  }

  async find(id: string): Promise<ImportRecord> {
    const record = await this.deps.repository.find(id);
    if (!record) throw new UseCaseError('not-found', `import ${id} inconnu`);
    return record;
  }

  list(limit: number): Promise<ImportRecord[]> {
    return this.deps.repository.list(limit);
  }

  async refusedLines(id: string, afterLine: number, limit: number): Promise<RefusedLine[]> {
    await this.find(id);
    return this.deps.repository.refusedLines(id, afterLine, limit);
  }

  async prestation(identifiant: string): Promise<StoredPrestation> {
    const found = await this.deps.repository.findPrestation(identifiant);
    if (!found) throw new UseCaseError('not-found', `prestation ${identifiant} inconnue`);
    return found;
  }

  /**
   * Terminates a prestation from `day` (no deposit from that day on, Europe/Paris); its tickets
   * stay as they are, readable and followable.
   */
  async terminate(identifiant: string, day: ParisDay, agent: string): Promise<StoredPrestation> {
    if (!isParisDay(day)) throw new UseCaseError('invalid', `requête invalide : date : jour AAAA-MM-JJ attendu (${day})`);
    const found = await this.prestation(identifiant);
    if (found.dateActivation && day <= found.dateActivation) {
      throw new UseCaseError('refused', `résiliation au ${day} refusée : la prestation est activée le ${found.dateActivation}`);
    }
    await this.deps.repository.terminate(identifiant, day, this.deps.clock.now(), {
      actor: agent,
      action: 'PRESTATION_RESILIEE',
      details: { identifiant, dateResiliation: day, precedente: found.dateResiliation ?? null },
    });
    return this.prestation(identifiant);
  }
}

const countsDetails = (c: ImportCounts) => ({
  lues: c.linesRead,
  acceptees: c.accepted,
  refusees: c.refused,
  creees: c.created,
  modifiees: c.updated,
  inchangees: c.unchanged,
});
