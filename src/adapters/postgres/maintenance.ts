// SQL of the announced works windows (migration 0007): announce, list, cancel.
import type { AnnouncedWindow, MaintenanceWindowRepository } from '../../application/operations-ports.js';
import type { Queryable } from './db.js';

interface WindowRow {
  reference: string;
  debut: Date;
  fin: Date;
  motif: string;
  created_at: Date;
  cancelled_at: Date | null;
}

const toWindow = (r: WindowRow): AnnouncedWindow => ({
  reference: r.reference,
  start: r.debut,
  end: r.fin,
  motif: r.motif,
  createdAt: r.created_at,
  cancelledAt: r.cancelled_at,
});

export class SqlMaintenanceRepository implements MaintenanceWindowRepository {
  constructor(private readonly db: Queryable) {}

  async announce(window: { start: Date; end: Date; motif: string }, now: Date): Promise<AnnouncedWindow> {
    const rows = await this.db.query<WindowRow>(
      'INSERT INTO maintenance_windows (debut, fin, motif, created_at) VALUES ($1, $2, $3, $4) RETURNING *',
      [window.start, window.end, window.motif, now],
    );
    return toWindow(rows[0]!);
  }

  /** Windows not cancelled that end after `since` (what the gateways apply), earliest first. */
  async active(since: Date): Promise<AnnouncedWindow[]> {
    const rows = await this.db.query<WindowRow>(
      'SELECT * FROM maintenance_windows WHERE cancelled_at IS NULL AND fin > $1 ORDER BY debut, reference',
      [since],
    );
    return rows.map(toWindow);
  }

  /** Every window ending after `since`, cancelled ones included (back office). */
  async list(since: Date, limit: number): Promise<AnnouncedWindow[]> {
    const rows = await this.db.query<WindowRow>('SELECT * FROM maintenance_windows WHERE fin > $1 ORDER BY debut, reference LIMIT $2', [since, limit]);
    return rows.map(toWindow);
  }

  async find(reference: string): Promise<AnnouncedWindow | undefined> {
    const rows = await this.db.query<WindowRow>('SELECT * FROM maintenance_windows WHERE reference = $1', [reference]);
    return rows[0] ? toWindow(rows[0]) : undefined;
  }

  /** Cancels a window not yet cancelled; undefined when there is none with that reference. */
  async cancel(reference: string, now: Date): Promise<AnnouncedWindow | undefined> {
    const rows = await this.db.query<WindowRow>(
      'UPDATE maintenance_windows SET cancelled_at = COALESCE(cancelled_at, $2) WHERE reference = $1 RETURNING *',
      [reference, now],
    );
    return rows[0] ? toWindow(rows[0]) : undefined;
  }
}
