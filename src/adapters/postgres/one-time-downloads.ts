// The support console's one-time downloads (migration 0017, table console_downloads).
import type { OneTimeDownloadRecord, OneTimeDownloadRepository } from '../../application/one-time-download-ports.js';
import type { Queryable } from './db.js';

export class SqlOneTimeDownloadRepository implements OneTimeDownloadRepository {
  constructor(private readonly db: Queryable) {}

  async insert(r: OneTimeDownloadRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO console_downloads (id_hash, staff_identifier, session_public_id, filename, content, created_at, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [r.idHash, r.staffIdentifier, r.sessionPublicId, r.filename, r.content, r.createdAt, r.expiresAt],
    );
  }

  async take(idHash: string, owner: { staffIdentifier: string; sessionPublicId: string }, now: Date): Promise<{ filename: string; content: Buffer } | undefined> {
    // One statement: of concurrent takes (any process), the first deletes the row, the others find none.
    const [row] = await this.db.query<{ filename: string; content: Uint8Array }>(
      `DELETE FROM console_downloads
        WHERE id_hash = $1 AND staff_identifier = $2 AND session_public_id = $3 AND expires_at > $4
        RETURNING filename, content`,
      [idHash, owner.staffIdentifier, owner.sessionPublicId, now],
    );
    return row ? { filename: row.filename, content: Buffer.from(row.content) } : undefined;
  }

  async purgeExpired(now: Date): Promise<number> {
    const rows = await this.db.query('DELETE FROM console_downloads WHERE expires_at <= $1 RETURNING 1', [now]);
    return rows.length;
  }
}
