// What the support console's one-time downloads (src/application/one-time-downloads.ts) need from
// storage (SQL in src/adapters/postgres/one-time-downloads.ts, table console_downloads).

export interface OneTimeDownloadRecord {
  /** SHA-256 (hex) of the random handle of the download link; the handle itself is never stored. */
  idHash: string;
  /** The support staff member it was made for. */
  staffIdentifier: string;
  /** Their portal session (public id): the download is theirs in that session only. */
  sessionPublicId: string;
  filename: string;
  content: Buffer;
  createdAt: Date;
  expiresAt: Date;
}

export interface OneTimeDownloadRepository {
  insert(record: OneTimeDownloadRecord): Promise<void>;
  /**
   * Deletes and returns the file in one statement when it exists, belongs to this staff member and
   * session and has not expired at `now` (of concurrent takes, one gets it); otherwise undefined
   * and nothing changes.
   */
  take(idHash: string, owner: { staffIdentifier: string; sessionPublicId: string }, now: Date): Promise<{ filename: string; content: Buffer } | undefined>;
  /** Deletes the files expired at `now`; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}
