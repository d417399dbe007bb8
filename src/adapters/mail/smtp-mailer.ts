// The SMTP sender of the notices' e-mails (decision 0022): nodemailer over the server named by
// ESAV_SMTP_URL (smtp://user:password@host:port or smtps://…; its query options as nodemailer
// reads them), one connection per message, plain French text in UTF-8, from ESAV_SMTP_FROM.
import nodemailer from 'nodemailer';
import type { Mailer } from '../../application/notice-ports.js';

export interface SmtpSettings {
  url: string;
  /** The From address. */
  from: string;
}

/** The mailer of an SMTP URL. */
export function smtpMailer(settings: SmtpSettings): Mailer & { close(): void } {
  const transport = nodemailer.createTransport(settings.url);
  return {
    async send(mail) {
      const info = await transport.sendMail({ from: settings.from, to: mail.to, subject: mail.subject, text: mail.text, textEncoding: 'quoted-printable' });
      return { messageId: typeof info.messageId === 'string' ? info.messageId : null };
    },
    close() {
      transport.close();
    },
  };
}

/** The SMTP URL without its password (logs, start banner). */
export function redactedSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'smtp://(invalid URL)';
  }
}
